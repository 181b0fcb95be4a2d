//! A tiny evaluator for the metric math the dashboard sends, so the simulated
//! `GetMetricData` answers expressions too: numbers, query ids, `+ - * /`, parentheses,
//! comparisons, `IF(c, a, b)`, `SUM(x)` (of one series: itself) and
//! `SEARCH('… MetricName="X" …', …)` (the metric X). Anything else evaluates to `None`.

/// Looks up the value of a query id, or of a metric by name (for `SEARCH`), at one instant.
pub trait Resolve {
    fn id(&self, id: &str) -> Option<f64>;
    fn metric(&self, name: &str) -> Option<f64>;
}

/// The value of `expr` at one instant; `None` for anything not understood or not finite.
pub fn eval(expr: &str, r: &dyn Resolve) -> Option<f64> {
    let mut p = Parser {
        s: expr.as_bytes(),
        i: 0,
        r,
    };
    let v = p.comparison()?;
    p.ws();
    (p.i == p.s.len() && v.is_finite()).then_some(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    r: &'a dyn Resolve,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn comparison(&mut self) -> Option<f64> {
        let a = self.sum()?;
        if self.eat(b'>') {
            let b = self.sum()?;
            return Some(f64::from(u8::from(a > b)));
        }
        if self.eat(b'<') {
            let b = self.sum()?;
            return Some(f64::from(u8::from(a < b)));
        }
        Some(a)
    }

    fn sum(&mut self) -> Option<f64> {
        let mut v = self.product()?;
        loop {
            if self.eat(b'+') {
                v += self.product()?;
            } else if self.eat(b'-') {
                v -= self.product()?;
            } else {
                return Some(v);
            }
        }
    }

    fn product(&mut self) -> Option<f64> {
        let mut v = self.atom()?;
        loop {
            if self.eat(b'*') {
                v *= self.atom()?;
            } else if self.eat(b'/') {
                v /= self.atom()?;
            } else {
                return Some(v);
            }
        }
    }

    fn atom(&mut self) -> Option<f64> {
        self.ws();
        if self.eat(b'(') {
            let v = self.comparison()?;
            return self.eat(b')').then_some(v);
        }
        if self.eat(b'-') {
            return self.atom().map(|v| -v);
        }
        let start = self.i;
        let c = *self.s.get(self.i)?;
        if c.is_ascii_digit() || c == b'.' {
            while self
                .s
                .get(self.i)
                .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
            {
                self.i += 1;
            }
            return std::str::from_utf8(&self.s[start..self.i])
                .ok()?
                .parse()
                .ok();
        }
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.i += 1;
        }
        let name = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        if name.is_empty() {
            return None;
        }
        if !self.eat(b'(') {
            return self.r.id(name);
        }
        match name {
            "IF" => {
                let c = self.comparison()?;
                self.eat(b',').then_some(())?;
                let a = self.comparison()?;
                self.eat(b',').then_some(())?;
                let b = self.comparison()?;
                self.eat(b')').then_some(())?;
                Some(if c != 0.0 { a } else { b })
            }
            "SUM" => {
                let v = self.comparison()?;
                self.eat(b')').then_some(v)
            }
            "SEARCH" => self.search(),
            _ => None,
        }
    }

    /// `SEARCH('…', 'Stat', period)`: the metric named in the first argument.
    fn search(&mut self) -> Option<f64> {
        let rest = std::str::from_utf8(self.s.get(self.i..)?).ok()?;
        let mut depth = 1usize;
        let mut in_quote = false;
        let mut end = None;
        for (k, ch) in rest.char_indices() {
            match ch {
                '\'' => in_quote = !in_quote,
                '(' if !in_quote => depth += 1,
                ')' if !in_quote => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end?;
        let args = &rest[..end];
        self.i += end + 1;
        let (_, after) = args.split_once("MetricName=\"")?;
        let (metric, _) = after.split_once('"')?;
        self.r.metric(metric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vals;
    impl Resolve for Vals {
        fn id(&self, id: &str) -> Option<f64> {
            match id {
                "a" => Some(10.0),
                "b" => Some(30.0),
                "z" => Some(0.0),
                _ => None,
            }
        }
        fn metric(&self, name: &str) -> Option<f64> {
            (name == "HealthyHostCount").then_some(3.0)
        }
    }

    #[test]
    fn evaluates_the_dashboard_forms() {
        assert_eq!(eval("100 * a / (a + b)", &Vals), Some(25.0));
        assert_eq!(eval("IF(z > 0, 100 * a / z, 0)", &Vals), Some(0.0));
        assert_eq!(eval("IF(b > 0, 100*a/b, 0)", &Vals), Some(100.0 / 3.0));
        assert_eq!(
            eval(
                "SUM(SEARCH('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName=\"HealthyHostCount\" LoadBalancer=\"app/x/1\"', 'Average', 60))",
                &Vals
            ),
            Some(3.0)
        );
        assert_eq!(eval("-a + 1", &Vals), Some(-9.0));
    }

    #[test]
    fn nonsense_is_none() {
        for e in ["", "a +", "nope", "a / z", "FOO(a)", "(a", "SEARCH('x'"] {
            assert_eq!(eval(e, &Vals), None, "{e}");
        }
    }
}
