//! Drawing a chart as SVG markup, on the server.

use crate::models::telemetry::Chart;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
const TICKS: usize = 5;

/// Scales from data to the drawing area.
struct Scale {
    from: DateTime<Utc>,
    span_secs: f64,
    low: f64,
    high: f64,
}

impl Scale {
    fn new(chart: &Chart) -> Self {
        let values = chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1));
        let (low, high) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let high = if high - low < 1e-9 {
            low + 1.0
        } else {
            high + (high - low) * 0.1
        };
        Self {
            from: chart.from,
            span_secs: ((chart.to - chart.from).num_seconds() as f64).max(1.0),
            low,
            high,
        }
    }

    fn x(&self, at: DateTime<Utc>) -> f64 {
        let secs = (at - self.from).num_seconds() as f64;
        LEFT + (WIDTH - LEFT - RIGHT) * (secs / self.span_secs).clamp(0.0, 1.0)
    }

    fn y(&self, value: f64) -> f64 {
        TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - (value - self.low) / (self.high - self.low))
    }
}

fn tick_label(value: f64) -> String {
    if value.abs() >= 100.0 || value == value.trunc() {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The chart's markup, the inside of a `figure.chart`: the SVG, a caption for
/// screen readers and the legend.
pub fn chart_html(chart: &Chart, caption: &str) -> String {
    use leptos::tachys::view::RenderHtml;
    drawing(chart, caption.to_owned()).to_html()
}

fn drawing(chart: &Chart, caption: String) -> impl IntoView + use<> {
    let scale = Scale::new(chart);
    let points = chart.series.iter().map(|s| s.points.len()).sum::<usize>();
    let empty = points == 0;
    let shade = chart.event.map(|(start, end)| {
        let (x0, x1) = (scale.x(start), scale.x(end));
        view! { <rect class="event-window" x=x0 y=TOP width=(x1 - x0).max(1.0) height=HEIGHT - TOP - BOTTOM /> }
    });
    let grid = (0..=TICKS)
        .map(|i| {
            let value = scale.low + (scale.high - scale.low) * i as f64 / TICKS as f64;
            let y = scale.y(value);
            view! {
                <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y />
                <text class="tick" x=LEFT - 6.0 y=y + 4.0 text-anchor="end">{tick_label(value)}</text>
            }
        })
        .collect_view();
    let times = (0..=4)
        .map(|i| {
            let at = chart.from + (chart.to - chart.from) * i / 4;
            let x = scale.x(at);
            let anchor = match i {
                0 => "start",
                4 => "end",
                _ => "middle",
            };
            view! {
                <text class="tick" x=x y=HEIGHT - 8.0 text-anchor=anchor>
                    {at.format("%d %H:%M").to_string()}
                </text>
            }
        })
        .collect_view();
    let lines = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, series)| {
            let path = series
                .points
                .iter()
                .map(|(at, v)| format!("{:.1},{:.1}", scale.x(*at), scale.y(*v)))
                .collect::<Vec<_>>()
                .join(" ");
            // Sparse lines get a dot per point, so a single reading shows too.
            let dots = (series.points.len() <= 60).then(|| {
                series
                    .points
                    .iter()
                    .map(|(at, v)| view! { <circle class=format!("dot series-{i}") cx=scale.x(*at) cy=scale.y(*v) r="3" /> })
                    .collect_view()
            });
            view! {
                <polyline class=format!("series series-{i}") points=path />
                {dots}
            }
        })
        .collect_view();
    let legend = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            view! {
                <li>
                    <span class=format!("swatch series-{i}")></span>
                    {s.name.clone()} " (" {s.points.len()} " points)"
                </li>
            }
        })
        .collect_view();
    view! {
        <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=caption.clone()>
            {shade}
            {grid}
            {times}
            {lines}
        </svg>
        <figcaption>
            {caption} " — times in UTC"
            <ul class="legend">{legend}</ul>
            {empty.then(|| view! { <p class="empty">"No readings in this window yet."</p> })}
        </figcaption>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::telemetry::Series;
    use chrono::TimeDelta;

    fn chart(points: usize) -> Chart {
        let from = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        Chart {
            from,
            to: from + TimeDelta::hours(2),
            series: vec![Series {
                name: "measured kW".to_owned(),
                points: (0..points)
                    .map(|i| (from + TimeDelta::minutes(15 * i as i64), 2.5))
                    .collect(),
            }],
            event: Some((from + TimeDelta::minutes(30), from + TimeDelta::minutes(90))),
        }
    }

    #[test]
    fn markup_has_the_lines_legend_and_event_window() {
        let html = chart_html(&chart(3), "Site telemetry");
        assert!(html.starts_with("<svg"), "{html}");
        assert!(html.contains(r#"aria-label="Site telemetry""#), "{html}");
        assert!(html.contains("<polyline"), "{html}");
        assert_eq!(html.matches("<circle").count(), 3, "{html}");
        assert!(html.contains(r#"class="event-window""#), "{html}");
        assert!(html.contains("measured kW"), "{html}");
        assert!(!html.contains("No readings"), "{html}");
    }

    #[test]
    fn an_empty_chart_says_so() {
        let html = chart_html(&chart(0), "Site telemetry");
        assert!(html.contains("No readings in this window yet."), "{html}");
    }
}
