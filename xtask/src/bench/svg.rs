//! The benchmark's charts, written as SVG text by hand: two kinds of chart (horizontal bars,
//! lines over a few x categories) do not justify a plotting crate and its dependencies, and
//! plain text keeps the committed files reviewable in a diff.

use std::fmt::Write;

const WIDTH: f64 = 760.0;
const FONT: &str = "font-family=\"sans-serif\" font-size=\"12\"";
/// Colour-blind-safe (Okabe-Ito) colours, one per line series; crt0's bars use the first.
const PALETTE: [&str; 7] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const GREY: &str = "#999999";

/// One bar: `value`, and optionally a range drawn as a whisker across it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub range: Option<(f64, f64)>,
    pub highlight: bool,
}

/// How a bar chart maps values to lengths.
#[derive(Clone, Copy)]
pub enum Axis {
    /// Powers of ten, for values that span orders of magnitude (bytes, instructions).
    Log,
    /// Linear, bars growing from `origin` (0, or 1.0 for ratios to a baseline).
    Linear { origin: f64 },
}

/// A horizontal bar chart, one bar a row, the value written after each bar.
pub fn bars(title: &str, unit: &str, axis: Axis, bars: &[Bar]) -> String {
    let (left, right, top, row) = (300.0, 90.0, 44.0, 26.0);
    let height = top + row * bars.len() as f64 + 40.0;
    let max = bars.iter().map(|b| b.range.map_or(b.value, |r| r.1.max(b.value))).fold(f64::MIN, f64::max);
    let min = bars.iter().map(|b| b.value).fold(f64::MAX, f64::min);
    let scale = match axis {
        Axis::Log => Scale::log(min, max, left, WIDTH - right),
        Axis::Linear { origin } => {
            // A range may reach below the origin (a run faster than the floor's).
            let low = bars.iter().filter_map(|b| b.range.map(|r| r.0)).fold(origin, f64::min);
            Scale::linear(origin, low, max, left, WIDTH - right)
        }
    };
    let mut s = header(title, height);
    for t in scale.ticks() {
        let x = scale.at(t);
        let _ = writeln!(s, "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#dddddd\"/>", height - 36.0);
        let _ = writeln!(s, "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" {FONT}>{}</text>", height - 22.0, scale.label(t));
    }
    // Ratios all get two decimals, counts none: "1" next to "1.07" reads as a different kind.
    let fractional = bars.iter().any(|b| b.value.fract() != 0.0);
    let value_text = |v: f64| if fractional { format!("{v:.2}") } else { value_label(v) };
    let _ = writeln!(s, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" {FONT}>{}</text>", (left + WIDTH - right) / 2.0, height - 6.0, esc(unit));
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let (x0, x1) = (scale.at(scale.base()), scale.at(b.value));
        let (x, w) = (x0.min(x1), (x1 - x0).abs().max(1.0));
        let fill = if b.highlight { PALETTE[0] } else { GREY };
        let _ = writeln!(s, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>{}</text>", left - 8.0, y + 15.0, esc(&b.label));
        let _ = writeln!(s, "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>", row - 8.0);
        if let Some((lo, hi)) = b.range {
            let (xl, xh, ym) = (scale.at(lo), scale.at(hi), y + (row - 8.0) / 2.0);
            let _ = writeln!(s, "<line class=\"range\" x1=\"{xl:.1}\" y1=\"{ym:.1}\" x2=\"{xh:.1}\" y2=\"{ym:.1}\" stroke=\"#000000\"/>");
        }
        let end = x1.max(b.range.map_or(x1, |r| scale.at(r.1)));
        let _ = writeln!(s, "<text x=\"{:.1}\" y=\"{:.1}\" {FONT}>{}</text>", end + 6.0, y + 15.0, value_text(b.value));
    }
    s + "</svg>\n"
}

/// One line of a line chart: a value (or none) for each x category.
pub struct Series {
    pub name: String,
    pub points: Vec<Option<f64>>,
}

/// Lines over x categories placed evenly (the scaling points are powers of ten, so this is a
/// log x axis), on a log y axis. A missing point breaks the line.
pub fn lines(title: &str, x_title: &str, x_labels: &[String], y_title: &str, series: &[Series]) -> String {
    let (left, right, top, bottom) = (80.0, 170.0, 44.0, 56.0);
    let height = 400.0;
    let values = series.iter().flat_map(|s| s.points.iter().flatten().copied());
    let (min, max) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (min, max) = if min > max { (1.0, 10.0) } else { (min, max) };
    let y = Scale::log(min, max, height - bottom, top);
    let step = (WIDTH - left - right) / (x_labels.len().max(2) - 1) as f64;
    let x = |i: usize| left + step * i as f64;
    let mut s = header(title, height);
    for t in y.ticks() {
        let yy = y.at(t);
        let _ = writeln!(s, "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#dddddd\"/>", WIDTH - right);
        let _ = writeln!(s, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>{}</text>", left - 6.0, yy + 4.0, y.label(t));
    }
    for (i, l) in x_labels.iter().enumerate() {
        let _ = writeln!(s, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" {FONT}>{}</text>", x(i), height - bottom + 18.0, esc(l));
    }
    let _ = writeln!(s, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" {FONT}>{}</text>", (left + WIDTH - right) / 2.0, height - 14.0, esc(x_title));
    let _ = writeln!(s, "<text x=\"16\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {:.1})\" {FONT}>{}</text>", height / 2.0, height / 2.0, esc(y_title));
    for (k, line) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        for run in runs(&line.points) {
            let pts: Vec<String> = run.iter().map(|&(i, v)| format!("{:.1},{:.1}", x(i), y.at(v))).collect();
            let _ = writeln!(s, "<polyline class=\"series\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>", pts.join(" "));
            for &(i, v) in &run {
                let _ = writeln!(s, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"/>", x(i), y.at(v));
            }
        }
        let ly = top + 18.0 * k as f64;
        let lx = WIDTH - right + 14.0;
        let _ = writeln!(s, "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"/>", lx + 20.0);
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" {FONT}>{}</text>", lx + 26.0, ly + 4.0, esc(&line.name));
    }
    s + "</svg>\n"
}

/// The unbroken runs of present points, each point with its x index.
fn runs(points: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = vec![];
    let mut current = vec![];
    for (i, p) in points.iter().enumerate() {
        match p {
            Some(v) => current.push((i, *v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn header(title: &str, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
        WIDTH / 2.0,
        esc(title)
    )
}

/// Maps values to pixels, linearly or by powers of ten.
struct Scale {
    lo: f64,
    hi: f64,
    px_lo: f64,
    px_hi: f64,
    log: bool,
    /// Where bars start: the origin of a linear axis, the lowest decade of a log one.
    base: f64,
}

impl Scale {
    /// Whole decades around `min..max`, so ticks fall on the ends.
    fn log(min: f64, max: f64, px_lo: f64, px_hi: f64) -> Scale {
        let lo = 10f64.powf(min.max(1e-9).log10().floor());
        let hi = 10f64.powf(max.max(1e-9).log10().ceil()).max(lo * 10.0);
        Scale { lo, hi, px_lo, px_hi, log: true, base: lo }
    }

    /// An axis from `low` (at most `origin`, moved down to a whole step) to past `max`.
    fn linear(origin: f64, low: f64, max: f64, px_lo: f64, px_hi: f64) -> Scale {
        let step = nice_step((max - low).max(1e-9) / 5.0);
        let lo = origin - step * ((origin - low) / step).ceil();
        let hi = lo + step * ((max - lo) / step).ceil().max(1.0);
        Scale { lo, hi, px_lo, px_hi, log: false, base: origin }
    }

    fn at(&self, v: f64) -> f64 {
        let f = if self.log {
            (v.max(self.lo).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        self.px_lo + f * (self.px_hi - self.px_lo)
    }

    fn base(&self) -> f64 {
        self.base
    }

    /// A tick's text: decades as numbers (10^n from a million), linear ticks with as many
    /// decimals as their step needs, the same for every tick.
    fn label(&self, v: f64) -> String {
        if self.log {
            return if v >= 1e6 { format!("10^{}", v.log10().round() as i32) } else { value_label(v) };
        }
        let step = nice_step((self.hi - self.lo) / 5.0);
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        format!("{v:.decimals$}")
    }

    fn ticks(&self) -> Vec<f64> {
        if self.log {
            let (a, b) = (self.lo.log10().round() as i32, self.hi.log10().round() as i32);
            (a..=b).map(|e| 10f64.powi(e)).collect()
        } else {
            let step = nice_step((self.hi - self.lo) / 5.0);
            let n = ((self.hi - self.lo) / step).round() as usize;
            (0..=n).map(|i| self.lo + step * i as f64).collect()
        }
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|&s| s >= raw * 0.999).unwrap_or(10.0 * p)
}

/// Whole numbers with thousands separators, others with two decimals.
fn value_label(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        crate::report::thousands(v as u64)
    } else {
        format!("{v:.2}")
    }
}

/// Text content and attribute values: the five characters XML reserves.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_scale_puts_a_decade_halfway_between_its_neighbours() {
        let s = Scale::log(1.0, 100.0, 0.0, 200.0);
        assert_eq!((s.at(1.0), s.at(10.0), s.at(100.0)), (0.0, 100.0, 200.0));
        assert_eq!(s.ticks(), vec![1.0, 10.0, 100.0]);
    }

    #[test]
    fn linear_scale_starts_at_its_origin_and_ends_on_a_tick() {
        let s = Scale::linear(1.0, 1.0, 2.76, 0.0, 100.0);
        assert_eq!(s.at(1.0), 0.0);
        assert_eq!(*s.ticks().last().unwrap(), s.hi);
        assert!(s.hi >= 2.76 && s.hi <= 3.0, "{}", s.hi);
    }

    #[test]
    fn a_range_below_the_origin_widens_the_axis_but_bars_start_at_the_origin() {
        let s = Scale::linear(1.0, 0.87, 1.5, 0.0, 100.0);
        assert!((s.lo - 0.8).abs() < 1e-9, "{}", s.lo);
        assert!(s.at(0.87) >= 0.0 && s.base() == 1.0);
        assert!((s.ticks()[0] - 0.8).abs() < 1e-9);
    }

    #[test]
    fn bar_lengths_follow_the_values() {
        let svg = bars(
            "t",
            "u",
            Axis::Linear { origin: 0.0 },
            &[
                Bar { label: "a<b".into(), value: 10.0, range: None, highlight: true },
                Bar { label: "c".into(), value: 5.0, range: Some((4.0, 6.0)), highlight: false },
            ],
        );
        let widths: Vec<f64> = svg
            .lines()
            .filter(|l| l.contains("class=\"bar\""))
            .map(|l| l.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(widths.len(), 2);
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.2, "{widths:?}");
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"));
        assert_eq!(svg.matches("class=\"range\"").count(), 1);
    }

    #[test]
    fn a_missing_point_breaks_the_line() {
        let labels: Vec<String> = ["1", "10", "100", "1000"].map(String::from).to_vec();
        let series = [Series { name: "x".into(), points: vec![Some(1.0), Some(2.0), None, Some(8.0)] }];
        let svg = lines("t", "n", &labels, "y", &series);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 3);
    }

    #[test]
    fn labels() {
        assert_eq!(value_label(30886.0), "30,886");
        assert_eq!(value_label(1.034), "1.03");
        assert_eq!(Scale::log(1.0, 2e7, 0.0, 1.0).label(1e7), "10^7");
        let ratios = Scale::linear(1.0, 1.0, 2.9, 0.0, 1.0);
        assert_eq!(ratios.ticks().iter().map(|&t| ratios.label(t)).collect::<Vec<_>>(), ["1.0", "1.5", "2.0", "2.5", "3.0"]);
        assert_eq!(nice_step(0.37), 0.5);
    }
}
