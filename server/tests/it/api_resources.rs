//! The management API's resources over real TLS: customers, sites and
//! programs written by role, VEN registrations acted on, report requests
//! stopped and readings read back as JSON and CSV.

use crate::api::{call, json};
use crate::common::TestServer;
use crate::oadr::{code, post, program_with, registration};
use crate::reports::{data, description, metadata};
use app::db::{api_tokens, audit};
use app::models::Role;
use openadr::poll::Poll;
use openadr::report::{RegisterReport, UpdateReport};
use openadr::values::ReportName;
use openadr::{ItemBase, Message};
use serde_json::json;

async fn token(vtn: &TestServer, role: Role) -> String {
    let name = format!("{role}-integration");
    api_tokens::create(&vtn.server.db, &name, role, None)
        .await
        .unwrap()
        .1
}

fn program_form(name: &str) -> serde_json::Value {
    json!({
        "name": name,
        "market_context": format!("http://utility.example/{name}"),
        "near_window_mins": 15,
        "usage_granularity_secs": 60,
        "usage_report_back_secs": 300,
        "status_granularity_secs": 60,
        "status_report_back_secs": 300,
        "site_ids": [],
        "day_ahead": {"enabled": false, "time_zone": "UTC", "publish_time": "17:00"}
    })
}

#[tokio::test]
async fn customers_sites_and_programs_are_created_and_edited_by_role() {
    let vtn = TestServer::start().await;
    let (viewer, operator, admin) = (
        token(&vtn, Role::Viewer).await,
        token(&vtn, Role::Operator).await,
        token(&vtn, Role::Admin).await,
    );
    let acme = json!({"name": " Acme Cold Storage ", "contact": "ops@acme.example"});

    let refused = call(
        &vtn,
        "POST",
        "/api/v1/customers",
        Some(&viewer),
        Some(acme.clone()),
        &[],
    )
    .await;
    assert_eq!(refused.status, 403);
    let created = call(
        &vtn,
        "POST",
        "/api/v1/customers",
        Some(&operator),
        Some(acme.clone()),
        &[],
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let customer = json(&created);
    assert_eq!(customer["name"], "Acme Cold Storage", "trimmed");
    let customer_id = customer["id"].as_i64().unwrap();
    let twice = call(
        &vtn,
        "POST",
        "/api/v1/customers",
        Some(&operator),
        Some(acme),
        &[],
    )
    .await;
    assert_eq!(twice.status, 422);
    assert!(
        json(&twice)["detail"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    let nameless = call(
        &vtn,
        "POST",
        "/api/v1/customers",
        Some(&operator),
        Some(json!({})),
        &[],
    )
    .await;
    assert_eq!(nameless.status, 422);
    let renamed = call(
        &vtn,
        "PUT",
        &format!("/api/v1/customers/{customer_id}"),
        Some(&operator),
        Some(json!({"name": "Acme Foods"})),
        &[],
    )
    .await;
    assert_eq!(json(&renamed)["name"], "Acme Foods");
    let ghost = call(
        &vtn,
        "PUT",
        "/api/v1/customers/9999",
        Some(&operator),
        Some(json!({"name": "X"})),
        &[],
    )
    .await;
    assert_eq!(ghost.status, 404);

    // Lists come a page at a time, with the total and links to the neighbours.
    for name in ["Bravo Dairy", "Charlie Cold"] {
        let body = json!({"name": name});
        let made = call(
            &vtn,
            "POST",
            "/api/v1/customers",
            Some(&operator),
            Some(body),
            &[],
        )
        .await;
        assert_eq!(made.status, 201);
    }
    let first = call(
        &vtn,
        "GET",
        "/api/v1/customers?per_page=2",
        Some(&viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(json(&first).as_array().unwrap().len(), 2);
    assert_eq!(first.headers["x-total-count"], "3");
    assert_eq!(
        first.headers["link"],
        r#"</api/v1/customers?page=1&per_page=2>; rel="next""#
    );
    let last = "/api/v1/customers?page=1&per_page=2";
    let last = call(&vtn, "GET", last, Some(&viewer), None, &[]).await;
    assert_eq!(json(&last)[0]["name"], "Charlie Cold");
    assert!(
        last.headers["link"]
            .to_str()
            .unwrap()
            .contains(r#"rel="prev""#)
    );
    let refused = "/api/v1/customers?per_page=1000";
    let refused = call(&vtn, "GET", refused, Some(&viewer), None, &[]).await;
    assert_eq!(refused.status, 422);

    let by_operator = call(
        &vtn,
        "POST",
        "/api/v1/programs",
        Some(&operator),
        Some(program_form("peak")),
        &[],
    )
    .await;
    assert_eq!(by_operator.status, 403, "programs are for admins");
    let program = call(
        &vtn,
        "POST",
        "/api/v1/programs",
        Some(&admin),
        Some(program_form("peak")),
        &[],
    )
    .await;
    assert_eq!(program.status, 201, "{}", program.body);
    let program_id = json(&program)["id"].as_i64().unwrap();
    let mut far = program_form("far");
    far["near_window_mins"] = json!(i64::MAX);
    let far = call(
        &vtn,
        "POST",
        "/api/v1/programs",
        Some(&admin),
        Some(far),
        &[],
    )
    .await;
    assert_eq!(far.status, 422);

    let orphan = json!({"customer_id": 9999, "name": "Depot", "ven_name": "depot-ven"});
    let orphan = call(
        &vtn,
        "POST",
        "/api/v1/sites",
        Some(&operator),
        Some(orphan),
        &[],
    )
    .await;
    assert_eq!(orphan.status, 422);
    assert!(
        json(&orphan)["detail"]
            .as_str()
            .unwrap()
            .contains("customer")
    );
    let depot = json!({
        "customer_id": customer_id,
        "name": "Depot",
        "ven_name": "depot-ven",
        "fingerprint": "c78fb87370aa8fee5637",
        "program_ids": [program_id]
    });
    let site = call(
        &vtn,
        "POST",
        "/api/v1/sites",
        Some(&operator),
        Some(depot),
        &[],
    )
    .await;
    assert_eq!(site.status, 201, "{}", site.body);
    let site = json(&site);
    let site_id = site["summary"]["id"].as_i64().unwrap();
    assert_eq!(site["fingerprint"], "C7:8F:B8:73:70:AA:8F:EE:56:37");
    assert!(
        site["summary"]["ven_id"]
            .as_str()
            .unwrap()
            .starts_with("ven")
    );
    assert_eq!(site["programs"][0][1], "peak");
    let program = call(
        &vtn,
        "GET",
        &format!("/api/v1/programs/{program_id}"),
        Some(&viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(json(&program)["sites"][0], json!([site_id, "Depot"]));
    let customer = call(
        &vtn,
        "GET",
        &format!("/api/v1/customers/{customer_id}"),
        Some(&viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(json(&customer)["sites"][0]["ven_name"], "depot-ven");

    // Editing needs no VEN name (it is permanent) and can leave every program.
    let edit = json!({"customer_id": customer_id, "name": "Depot North", "ven_name": "renamed"});
    let edited = call(
        &vtn,
        "PUT",
        &format!("/api/v1/sites/{site_id}"),
        Some(&operator),
        Some(edit),
        &[],
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let edited = json(&edited);
    assert_eq!(
        (&edited["summary"]["name"], &edited["summary"]["ven_name"]),
        (&json!("Depot North"), &json!("depot-ven"))
    );
    assert_eq!(edited["programs"], json!([]));
    assert_eq!(
        edited["fingerprint"], "",
        "the form replaces the fingerprint"
    );

    let actions: Vec<String> = audit::page(&vtn.server.db, 0, 50)
        .await
        .unwrap()
        .entries
        .into_iter()
        .filter(|e| e.actor.starts_with("token:"))
        .map(|e| e.action)
        .collect();
    for action in ["customer.save", "program.save", "site.save"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn registrations_report_requests_and_readings_through_the_api() {
    let vtn = TestServer::start().await;
    let (viewer, operator) = (
        token(&vtn, Role::Viewer).await,
        token(&vtn, Role::Operator).await,
    );
    let (cert, site) = vtn.new_ven("v").await;
    let ven = vtn.client(Some(&cert));
    program_with(&vtn, site.id).await;
    assert!(matches!(
        post(&ven, "EiRegisterParty", registration("v")).await,
        Message::CreatedPartyRegistration(_)
    ));

    let listed = call(
        &vtn,
        "GET",
        "/api/v1/registrations",
        Some(&viewer),
        None,
        &[],
    )
    .await;
    let listed = json(&listed);
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ven_name"] == "v")
        .expect("the VEN's registration is listed");
    assert_eq!(
        (&mine["site_id"], &mine["profile"]),
        (&json!(site.id), &json!("2.0b"))
    );

    let path = |action: &str| format!("/api/v1/sites/{}/registration/{action}", site.id);
    assert_eq!(
        call(&vtn, "POST", &path("reregister"), Some(&viewer), None, &[])
            .await
            .status,
        403
    );
    assert_eq!(
        call(
            &vtn,
            "POST",
            &path("reregister"),
            Some(&operator),
            None,
            &[]
        )
        .await
        .status,
        202
    );
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };
    // After registering, the VTN first offers its own reports.
    assert!(matches!(
        post(&ven, "OadrPoll", poll()).await,
        Message::RegisterReport(_)
    ));
    assert!(matches!(
        post(&ven, "OadrPoll", poll()).await,
        Message::RequestReregistration(_)
    ));
    let (_, unregistered) = vtn.new_ven("never-registered").await;
    let refused = format!("/api/v1/sites/{}/registration/cancel", unregistered.id);
    let refused = call(&vtn, "POST", &refused, Some(&operator), None, &[]).await;
    assert_eq!(refused.status, 422);
    assert!(
        json(&refused)["detail"]
            .as_str()
            .unwrap()
            .contains("not registered")
    );

    // The VEN offers a usage report; the VTN requests it; data arrives.
    let register = RegisterReport {
        request_id: "reg-reports".into(),
        reports: vec![metadata(
            "usage",
            ReportName::MetadataTelemetryUsage,
            vec![
                description("power", Some(ItemBase::power_real("k")), "PT1M"),
                description("energy", Some(ItemBase::energy_real("k")), "PT1M"),
            ],
        )],
        ven_id: Some(site.ven_id.as_str().into()),
        report_request_id: None,
    };
    let Message::RegisteredReport(registered) = post(&ven, "EiReport", register).await else {
        panic!()
    };
    let usage_id = registered.requests[0].report_request_id.to_string();
    let update = UpdateReport {
        request_id: "u1".into(),
        reports: vec![data(&usage_id, &[("power", 1000.0), ("energy", 20.0)], 3)],
        ven_id: Some(site.ven_id.as_str().into()),
    };
    assert!(matches!(
        post(&ven, "EiReport", update).await,
        Message::UpdatedReport(_)
    ));

    let requests = format!("/api/v1/sites/{}/report-requests", site.id);
    let requests = json(&call(&vtn, "GET", &requests, Some(&viewer), None, &[]).await);
    let usage = requests
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["report_request_id"] == usage_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(usage["state"], "receiving");
    assert_eq!(usage["rids"], json!(["power", "energy"]));

    let window = "from=2026-11-23T12:00:00Z&to=2026-11-23T13:00:00Z";
    let readings = format!("/api/v1/sites/{}/readings?{window}&rid=power", site.id);
    let readings = json(&call(&vtn, "GET", &readings, Some(&viewer), None, &[]).await);
    let values: Vec<f64> = readings
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [1000.0, 1001.0, 1002.0]);
    assert_eq!(readings[1]["start"], "2026-11-23T12:01:00Z");
    let csv = format!("/api/v1/sites/{}/readings.csv?{window}", site.id);
    let csv = call(&vtn, "GET", &csv, Some(&viewer), None, &[]).await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "site,rid,time,duration_s,value,quality");
    assert_eq!(lines.len(), 1 + 6, "3 intervals × 2 points: {}", csv.body);
    assert_eq!(lines[1], "v,energy,2026-11-23T12:00:00+00:00,60,20,");
    for bad in [
        "from=2026-11-23T13:00:00Z&to=2026-11-23T12:00:00Z",
        "from=2026-01-01T00:00:00Z&to=2026-11-23T12:00:00Z",
        "from=yesterday",
    ] {
        let path = format!("/api/v1/sites/{}/readings?{bad}", site.id);
        let answer = call(&vtn, "GET", &path, Some(&viewer), None, &[]).await;
        assert!(
            [400, 422].contains(&answer.status.as_u16()),
            "{bad}: {}",
            answer.status
        );
        assert_eq!(answer.headers["content-type"], "application/problem+json");
    }
    let nowhere = call(
        &vtn,
        "GET",
        "/api/v1/sites/9999/readings",
        Some(&viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(nowhere.status, 404);

    // Stopping the request: the VEN hears of it on its next poll; a retry is harmless.
    let cancel = format!("/api/v1/report-requests/{}/cancel", usage["id"]);
    assert_eq!(
        call(&vtn, "POST", &cancel, Some(&viewer), None, &[])
            .await
            .status,
        403
    );
    let stopped = call(&vtn, "POST", &cancel, Some(&operator), None, &[]).await;
    assert_eq!(json(&stopped)["state"], "cancelling");
    let Message::CancelReport(sent) = post(&ven, "OadrPoll", poll()).await else {
        panic!("expected oadrCancelReport")
    };
    assert_eq!(sent.report_request_ids[0].as_str(), usage_id);
    let again = call(&vtn, "POST", &cancel, Some(&operator), None, &[]).await;
    assert_eq!(
        (again.status.as_u16(), json(&again)["state"].clone()),
        (200u16, json!("cancelling"))
    );
    assert_eq!(
        code(&post(&ven, "OadrPoll", poll()).await),
        200,
        "sent once"
    );
    vtn.server.shutdown().await;
}
