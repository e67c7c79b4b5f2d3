//! The HTML report's charts, drawn by plotters as inline SVG strings (no network, no fonts
//! needed at view time). Each returns `None` when there is nothing to draw, so the page shows
//! its table alone rather than an empty frame.

use crate::report::timing::DepthRow;
use crate::results::latency::OpLatency;
use crate::results::stress::StressSuite;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

const BAR: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);
const P50: RGBColor = RGBColor(0x2e, 0x8b, 0x57);
const P95: RGBColor = RGBColor(0xd4, 0x8a, 0x1f);
const P99: RGBColor = RGBColor(0xb3, 0x3a, 0x3a);

/// Draws into an SVG string of `w` x `h`; a drawing error (plotters reports them for
/// degenerate ranges) leaves the chart out instead of failing the report.
fn svg(
    w: u32,
    h: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
) -> Option<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        draw(&root).ok()?;
        root.present().ok()?;
    }
    Some(buf)
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// Steps per second at each depth level of an exploration, one bar per level.
pub fn steps_per_depth(rows: &[DepthRow]) -> Option<String> {
    let labels: Vec<String> = rows.iter().map(|r| r.depth.to_string()).collect();
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            value: r.steps_per_sec,
            whisker: None,
        })
        .collect();
    bar_chart(
        "steps/s per depth level",
        "depth",
        "steps/s",
        &labels,
        &bars,
        false,
    )
}

/// The axis text of a bar chart.
struct Mesh<'a> {
    x_labels: usize,
    x_desc: &'a str,
    y_desc: &'a str,
    x_label: &'a dyn Fn(&f64) -> String,
}

/// Draws the mesh, the bars and their whiskers on a chart of either y scale.
fn body<Y: Ranged<ValueType = f64> + ValueFormatter<f64>>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, Y>>,
    mesh: &Mesh<'_>,
    y_label: &dyn Fn(&f64) -> String,
    bars: &[Bar],
    floor: f64,
) -> Result<(), String> {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(mesh.x_labels)
        .x_desc(mesh.x_desc)
        .y_desc(mesh.y_desc)
        .x_label_formatter(mesh.x_label)
        .y_label_formatter(y_label)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, b)| {
            let i = i as f64;
            Rectangle::new([(i - 0.38, floor), (i + 0.38, b.value)], BAR.filled())
        }))
        .map_err(err)?;
    chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let (lo, hi) = b.whisker?;
            Some(PathElement::new(
                vec![(i as f64, lo), (i as f64, hi)],
                BLACK.stroke_width(2),
            ))
        }))
        .map_err(err)?;
    Ok(())
}

/// One bar: its height and an optional (low, high) whisker.
struct Bar {
    value: f64,
    whisker: Option<(f64, f64)>,
}

/// Bars over categories. The x axis is continuous with bar `i` centred on `i` (segmented
/// coordinates put an empty slot after the last category, and a one-category chart of them
/// drew a bar of negative width, which the browser test caught); `log` draws y on a log scale
/// from half the smallest value.
fn bar_chart(
    caption: &str,
    x_desc: &str,
    y_desc: &str,
    labels: &[String],
    bars: &[Bar],
    log: bool,
) -> Option<String> {
    let top = bars
        .iter()
        .map(|b| b.whisker.map_or(b.value, |(_, hi)| hi.max(b.value)))
        .fold(0.0, f64::max);
    if bars.is_empty() || top <= 0.0 {
        return None;
    }
    let floor = if log {
        bars.iter()
            .map(|b| b.whisker.map_or(b.value, |(lo, _)| lo.min(b.value)))
            .filter(|v| *v > 0.0)
            .fold(top, f64::min)
            / 2.0
    } else {
        0.0
    };
    let n = bars.len() as f64;
    let label = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    svg(640, 300, |root| {
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(caption, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(72);
        let x = -0.5f64..n - 0.5;
        // The two scales are different types: mesh and bars go through one generic body.
        let mesh = Mesh {
            x_labels: bars.len() * 2 + 1,
            x_desc,
            y_desc,
            x_label: &label,
        };
        if log {
            let mut chart = builder
                .build_cartesian_2d(x, (floor..top * 1.5).log_scale())
                .map_err(err)?;
            body(&mut chart, &mesh, &|v| format!("{v}"), bars, floor)
        } else {
            let mut chart = builder
                .build_cartesian_2d(x, floor..top * 1.1)
                .map_err(err)?;
            body(&mut chart, &mesh, &|v| format!("{v:.0}"), bars, floor)
        }
    })
}

/// The core's latency per operation kind: p50, p95 and p99 as markers on one line per
/// operation, microseconds on a log scale (the tail spans five orders of magnitude).
pub fn latency(per_op: &[OpLatency]) -> Option<String> {
    let ops: Vec<&OpLatency> = per_op.iter().filter(|o| o.count > 0).collect();
    if ops.is_empty() {
        return None;
    }
    let us = |ns: u64| (ns as f64 / 1000.0).max(0.01);
    let hi = ops.iter().map(|o| us(o.p99_ns)).fold(0.01, f64::max) * 2.0;
    let n = ops.len() as u32 - 1; // plotters' integer ranges include their end
    let height = 100 + 22 * n;
    svg(720, height, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "core latency per operation (µs, log scale): p50 ● p95 ▲ p99 ✕",
                ("sans-serif", 16),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(120)
            .build_cartesian_2d((0.01f64..hi).log_scale(), (0u32..n).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .y_labels(ops.len())
            .x_desc("µs")
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => ops
                    .get(*i as usize)
                    .map_or_else(String::new, |o| o.op.clone()),
                SegmentValue::Last => String::new(),
            })
            .x_label_formatter(&|v| format!("{v}"))
            .draw()
            .map_err(err)?;
        let row = |i: usize| SegmentValue::CenterOf(i as u32);
        chart
            .draw_series(ops.iter().enumerate().map(|(i, o)| {
                PathElement::new(
                    vec![(us(o.p50_ns), row(i)), (us(o.p99_ns), row(i))],
                    BLACK.mix(0.4),
                )
            }))
            .map_err(err)?;
        chart
            .draw_series(
                ops.iter()
                    .enumerate()
                    .map(|(i, o)| Circle::new((us(o.p50_ns), row(i)), 4, P50.filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(
                ops.iter()
                    .enumerate()
                    .map(|(i, o)| TriangleMarker::new((us(o.p95_ns), row(i)), 5, P95.filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(
                ops.iter()
                    .enumerate()
                    .map(|(i, o)| Cross::new((us(o.p99_ns), row(i)), 5, P99.stroke_width(2))),
            )
            .map_err(err)?;
        Ok(())
    })
}

/// Stress suite wall times: the median of each suite as a bar, its fastest and slowest run
/// as a whisker, milliseconds on a log scale (the liveness suites wait hundreds of times
/// longer than the throughput ones).
pub fn stress(suites: &[StressSuite]) -> Option<String> {
    let labels: Vec<String> = suites.iter().map(|s| s.name.clone()).collect();
    let bars: Vec<Bar> = suites
        .iter()
        .map(|s| Bar {
            value: s.median_seconds * 1e3,
            whisker: (s.max_seconds > 0.0).then_some((s.min_seconds * 1e3, s.max_seconds * 1e3)),
        })
        .collect();
    bar_chart(
        "stress suites: median wall time (ms, log scale), whisker min..max",
        "suite",
        "ms",
        &labels,
        &bars,
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_and_absent_without_data() {
        assert!(steps_per_depth(&[]).is_none());
        assert!(latency(&[]).is_none());
        assert!(stress(&[]).is_none());
        let rows = [
            DepthRow {
                depth: 1,
                steps: 10,
                seconds: 0.5,
                steps_per_sec: 20.0,
            },
            DepthRow {
                depth: 2,
                steps: 100,
                seconds: 0.5,
                steps_per_sec: 200.0,
            },
        ];
        let s = steps_per_depth(&rows).expect("a chart");
        assert!(s.starts_with("<svg"), "{}", &s[..s.len().min(80)]);
        assert!(s.matches("<rect").count() >= 3, "two bars and the frame");
        let zero = [DepthRow {
            steps_per_sec: 0.0,
            ..rows[0].clone()
        }];
        assert!(steps_per_depth(&zero).is_none());
    }
}
