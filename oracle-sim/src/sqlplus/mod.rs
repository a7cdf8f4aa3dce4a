use crate::audit::Invocation;
use crate::home::Home;
pub fn run(_h: &Home, _a: &[String], _i: &mut Invocation) -> i32 {
    1
}
