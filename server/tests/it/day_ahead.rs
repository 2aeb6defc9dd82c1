//! Day-ahead price publishing over the real TLS API: prices pushed with
//! PUT, one publisher pass at a fixed time publishes the next day's event
//! once, missing prices raise an alert the API shows, and the settlement CSV.

use crate::api::{call, json};
use crate::common::TestServer;
use crate::oadr::post;
use app::db::entity::event;
use app::db::publications::{PassReport, publish_due};
use app::db::{api_tokens, programs};
use app::models::Role;
use chrono::{DateTime, Utc};
use openadr::Message;
use openadr::poll::Poll;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

/// Prices as a feed sends them: short decimals (0.080, 0.081, …).
fn prices(n: usize) -> Value {
    let values: Vec<f64> = (0..n)
        .map(|h| format!("0.{:03}", 80 + h).parse().unwrap())
        .collect();
    json!({ "prices": values })
}

/// Open alerts of one program and date, from the API.
async fn alerts_for(vtn: &TestServer, token: &str, program: i32, date: &str) -> Vec<Value> {
    let listed = call(
        vtn,
        "GET",
        "/api/v1/day-ahead/alerts",
        Some(token),
        None,
        &[],
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    json(&listed)
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["program_id"] == program && a["date"] == date)
        .cloned()
        .collect()
}

#[tokio::test]
async fn prices_put_over_the_api_are_published_once_and_missing_prices_raise_an_alert() {
    let vtn = TestServer::start().await;
    let db = &vtn.server.db;
    let (_, barn) = vtn.new_ven("da-barn").await;
    let (_, store) = vtn.new_ven("da-store").await;
    let program = programs::create(db, "NHEC TOU", "http://nhec.example/da", 3600)
        .await
        .unwrap();
    for site in [&barn, &store] {
        programs::add_site(db, program.id, site.id).await.unwrap();
    }
    let (_, admin) = api_tokens::create(db, "setup", Role::Admin, None)
        .await
        .unwrap();
    let (_, operator) = api_tokens::create(db, "iso-feed", Role::Operator, None)
        .await
        .unwrap();
    let (_, viewer) = api_tokens::create(db, "billing", Role::Viewer, None)
        .await
        .unwrap();
    let id = program.id;
    let schedule =
        json!({"enabled": true, "time_zone": "America/New_York", "publish_time": "17:00"});

    let refused = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/day-ahead"),
        Some(&operator),
        Some(schedule.clone()),
        &[],
    )
    .await;
    assert_eq!(refused.status, 403, "the schedule is program setup: admins");
    let set = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/day-ahead"),
        Some(&admin),
        Some(schedule.clone()),
        &[],
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(json(&set), schedule);

    // Daylight saving: 2027-03-14 has 23 hours in New York.
    let dst = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/prices/2027-03-14"),
        Some(&operator),
        Some(prices(24)),
        &[],
    )
    .await;
    assert_eq!(dst.status, 422, "{}", dst.body);
    assert_eq!(dst.headers["content-type"], "application/problem+json");
    assert_eq!(
        json(&dst)["detail"],
        "2027-03-14 in America/New_York has 23 hours, got 24 prices"
    );
    let bad_date = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/prices/2030-02-30"),
        Some(&operator),
        Some(prices(24)),
        &[],
    )
    .await;
    assert_eq!(bad_date.status, 422);
    assert!(
        json(&bad_date)["detail"]
            .as_str()
            .unwrap()
            .contains("not a date")
    );
    let viewer_put = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/prices/2030-06-04"),
        Some(&viewer),
        Some(prices(24)),
        &[],
    )
    .await;
    assert_eq!(viewer_put.status, 403);
    let no_program = call(
        &vtn,
        "PUT",
        "/api/v1/programs/999/prices/2030-06-04",
        Some(&operator),
        Some(prices(24)),
        &[],
    )
    .await;
    assert_eq!(no_program.status, 404);

    let put = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/prices/2030-06-04"),
        Some(&operator),
        Some(prices(24)),
        &[],
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let got = call(
        &vtn,
        "GET",
        &format!("/api/v1/programs/{id}/prices/2030-06-04"),
        Some(&viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(got.status, 200, "{}", got.body);
    let got = json(&got);
    assert_eq!(got["prices"], prices(24)["prices"]);
    assert_eq!(got["start"], "2030-06-04T04:00:00Z");
    assert_eq!(got["updated_by"], "token:iso-feed");
    assert_eq!(got["publication"], Value::Null);

    // 16:59 EDT on the 3rd: not yet; 17:00: published.
    assert_eq!(
        publish_due(db, at("2030-06-03T20:59:00Z")).await.unwrap(),
        PassReport::default()
    );
    let report = publish_due(db, at("2030-06-03T21:00:00Z")).await.unwrap();
    assert_eq!(report.published.len(), 1, "{report:?}");
    assert_eq!(report.published[0].0, id);

    let shown = json(
        &call(
            &vtn,
            "GET",
            &format!("/api/v1/programs/{id}/prices/2030-06-04"),
            Some(&viewer),
            None,
            &[],
        )
        .await,
    );
    let event_pk = shown["publication"]["event"].as_i64().unwrap();
    assert_eq!(
        shown["publication"]["event_id"],
        report.published[0].2.as_str()
    );
    let event = call(
        &vtn,
        "GET",
        &format!("/api/v1/events/{event_pk}"),
        Some(&viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(event.status, 200, "{}", event.body);
    let event = json(&event);
    assert_eq!(
        event["summary"]["signal"],
        "ELECTRICITY_PRICE (24 intervals)"
    );
    assert_eq!(event["summary"]["dtstart"], "2030-06-04T04:00:00Z");
    assert_eq!(event["summary"]["duration_secs"], 86_400);
    assert_eq!(
        event["signals"][0]["intervals"].as_array().unwrap().len(),
        24
    );
    assert_eq!(event["signals"][0]["intervals"][23]["value"], 0.103);
    let mut vens: Vec<&str> = event["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["ven_name"].as_str().unwrap())
        .collect();
    vens.sort_unstable();
    assert_eq!(vens, ["da-barn", "da-store"]);

    // A second tick, or a restart at 17:00: nothing more.
    assert_eq!(
        publish_due(db, at("2030-06-03T21:00:30Z")).await.unwrap(),
        PassReport::default()
    );
    let priced = event::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.dtstart == at("2030-06-04T04:00:00Z"))
        .count();
    assert_eq!(priced, 1, "published exactly once");
    let late = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/prices/2030-06-04"),
        Some(&operator),
        Some(prices(24)),
        &[],
    )
    .await;
    assert_eq!(late.status, 409, "{}", late.body);

    // No prices for the 5th by 17:00 on the 4th: an alert, once.
    let missing = publish_due(db, at("2030-06-04T21:00:00Z")).await.unwrap();
    assert!(missing.published.is_empty());
    publish_due(db, at("2030-06-04T21:00:30Z")).await.unwrap();
    let alerts = alerts_for(&vtn, &viewer, id, "2030-06-05").await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(
        alerts[0]["message"]
            .as_str()
            .unwrap()
            .contains("no prices for 2030-06-05")
    );
    assert_eq!(alerts[0]["program"], "NHEC TOU");
    assert!(alerts_for(&vtn, &viewer, id, "2030-06-04").await.is_empty());

    // They arrive at 19:00: published that evening, the alert resolved.
    let put = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/prices/2030-06-05"),
        Some(&operator),
        Some(prices(24)),
        &[],
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(json(&put)["alert"]["resolved_at"], Value::Null);
    let evening = publish_due(db, at("2030-06-04T23:00:00Z")).await.unwrap();
    assert_eq!(evening.published.len(), 1, "{evening:?}");
    assert!(alerts_for(&vtn, &viewer, id, "2030-06-05").await.is_empty());

    // Settlement: a header and one row per site and hour.
    let csv = call(
        &vtn,
        "GET",
        &format!("/api/v1/programs/{id}/settlement/2030-06-04.csv"),
        Some(&viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "site,ven_id,hour,start,kwh,readings");
    assert_eq!(lines.len(), 1 + 2 * 24);
    assert!(lines[1].starts_with(&format!(
        "da-barn,{},0,2030-06-04T00:00:00-04:00,,0",
        barn.ven_id
    )));
    let not_csv = call(
        &vtn,
        "GET",
        &format!("/api/v1/programs/{id}/settlement/2030-06-04"),
        Some(&viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(not_csv.status, 404);
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn a_ven_polls_and_receives_the_published_day_ahead_prices() {
    let vtn = TestServer::start().await;
    let db = &vtn.server.db;
    let (cert, site) = vtn.new_ven("da-poller").await;
    let program = programs::create(db, "Hourly", "http://utility.example/hourly", 3600)
        .await
        .unwrap();
    programs::add_site(db, program.id, site.id).await.unwrap();
    let (_, admin) = api_tokens::create(db, "setup", Role::Admin, None)
        .await
        .unwrap();
    // Publishing at 00:00 UTC means tomorrow (UTC) is due now.
    let now = Utc::now();
    let tomorrow = (now.date_naive() + chrono::Days::new(1)).to_string();
    let id = program.id;
    let put = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/prices/{tomorrow}"),
        Some(&admin),
        Some(prices(24)),
        &[],
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let set = call(
        &vtn,
        "PUT",
        &format!("/api/v1/programs/{id}/day-ahead"),
        Some(&admin),
        Some(json!({"enabled": true, "time_zone": "UTC", "publish_time": "00:00"})),
        &[],
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    // The server's own publisher may get there first; either way, once.
    publish_due(db, now).await.unwrap();
    assert_eq!(event::Entity::find().count(db).await.unwrap(), 1);

    let answer = post(
        &vtn.client(Some(&cert)),
        "OadrPoll",
        Poll {
            ven_id: site.ven_id.as_str().into(),
        },
    )
    .await;
    let Message::DistributeEvent(distribution) = answer else {
        panic!("expected the price event, got {answer:?}")
    };
    let event = &distribution.events[0];
    assert_eq!(
        event.descriptor.market_context,
        "http://utility.example/hourly"
    );
    let signal = &event.signals[0];
    assert_eq!(signal.intervals.len(), 24);
    assert_eq!(signal.name.as_str(), "ELECTRICITY_PRICE");
    vtn.server.shutdown().await;
}
