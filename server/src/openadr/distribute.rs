//! Builds the `oadrDistributeEvent` a VEN gets: all of its current events, each
//! with status and current value computed for now.

use app::db::entity::site;
use app::db::events::SiteEvent;
use app::models::event::{EventStatus, current_value};
use chrono::{DateTime, TimeDelta, Utc};
use openadr::event::{
    ActivePeriod, DistributeEvent, Event, EventDescriptor, EventInterval, EventSignal,
    ResponseRequired,
};
use openadr::values::{Duration, RequestId};
use openadr::{EiResponse, EiTarget};

fn duration(secs: i64) -> Duration {
    Duration::from_seconds(secs)
}

/// The distribution of `events` to `site`, as of `now`.
pub fn build(
    vtn_id: &str,
    site: &site::Model,
    events: &[SiteEvent],
    now: DateTime<Utc>,
    answering: Option<RequestId>,
) -> DistributeEvent {
    DistributeEvent {
        response: answering.clone().map(EiResponse::ok),
        request_id: answering.unwrap_or_else(|| app::db::sites::new_id("dist").into()),
        vtn_id: vtn_id.into(),
        events: events.iter().map(|e| event(site, e, now)).collect(),
    }
}

fn event(site: &site::Model, e: &SiteEvent, now: DateTime<Utc>) -> Event {
    let model = &e.event;
    let status = EventStatus::at(
        now,
        model.dtstart,
        TimeDelta::seconds(model.duration_secs),
        e.near_window,
        model.cancelled,
    );
    let signals = e
        .signals
        .iter()
        .map(|signal| EventSignal {
            intervals: signal
                .intervals
                .iter()
                .enumerate()
                .map(|(uid, interval)| EventInterval {
                    dtstart: None,
                    duration: duration(interval.duration_secs),
                    uid: uid.to_string(),
                    value: interval.value,
                })
                .collect(),
            target: None,
            name: signal.name.parse().unwrap_or_else(|never| match never {}),
            signal_type: signal
                .signal_type
                .parse()
                .unwrap_or_else(|never| match never {}),
            id: signal.id.clone(),
            item_base: None,
            current_value: Some(current_value(signal, model.dtstart, now, model.cancelled)),
        })
        .collect();
    Event {
        descriptor: EventDescriptor {
            event_id: model.event_id.as_str().into(),
            modification_number: u32::try_from(model.modification_number).unwrap_or(0),
            // Left out on purpose: pyoadr-ven drops events that carry it.
            modification_date_time: None,
            modification_reason: model.modification_reason.clone(),
            priority: model.priority.and_then(|p| u32::try_from(p).ok()),
            market_context: e.market_context.clone(),
            created: model.created_at,
            status: status
                .as_str()
                .parse()
                .unwrap_or_else(|never| match never {}),
            test_event: Some(model.test_event.to_string()),
            vtn_comment: model.vtn_comment.clone(),
        },
        active_period: ActivePeriod {
            dtstart: model.dtstart,
            duration: duration(model.duration_secs),
            start_after: model.start_after_secs.map(duration),
            notification: Some(duration(model.notification_secs)),
            ramp_up: model.ramp_up_secs.map(duration),
            recovery: model.recovery_secs.map(duration),
        },
        signals,
        baseline: None,
        target: EiTarget {
            group_ids: e.targets.group_ids.clone(),
            group_names: Vec::new(),
            resource_ids: e.targets.resource_ids.clone(),
            ven_ids: vec![site.ven_id.as_str().into()],
            party_ids: e.targets.party_ids.clone(),
        },
        response_required: if model.response_required {
            ResponseRequired::Always
        } else {
            ResponseRequired::Never
        },
    }
}
