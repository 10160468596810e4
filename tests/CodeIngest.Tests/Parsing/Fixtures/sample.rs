use std::collections::HashMap;
use std::fmt;

/// A point.
struct Point {
    x: i32,
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.x)
    }
}

impl Point {
    fn new(x: i32) -> Self {
        let m: HashMap<i32, i32> = HashMap::new();
        if x > 0 && m.is_empty() {
            helper(x);
        }
        Point { x }
    }
}

fn helper(v: i32) -> i32 {
    match v {
        0 => 1,
        _ => v.abs(),
    }
}
