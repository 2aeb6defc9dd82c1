//! The `vtn` binary's data commands, run as a process on a database file:
//! output for scripts, meaningful exit codes, errors that name the argument.

use std::process::{Command, Output};

fn vtn(db: &str, args: &[&str], password: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vtn"));
    command
        .args(args)
        .env("VTN_DATABASE_URL", db)
        .env("VTN_LOG", "error")
        .env_remove("VTN_CONFIG");
    match password {
        Some(p) => command.env("VTN_USER_PASSWORD", p),
        None => command.env_remove("VTN_USER_PASSWORD"),
    };
    command.output().expect("run vtn")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn users_tokens_and_sites_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/vtn.db?mode=rwc", dir.path().display());

    let added = vtn(
        &db,
        &["user", "add", "dana", "--role", "viewer"],
        Some("a long enough password"),
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let short = vtn(&db, &["user", "add", "eve"], Some("short"));
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("at least 12 characters"),
        "{}",
        stderr(&short)
    );
    let bad_role = vtn(
        &db,
        &["user", "add", "eve", "--role", "boss"],
        Some("a long enough password"),
    );
    assert_eq!(bad_role.status.code(), Some(2), "clap's usage error");
    assert!(
        stderr(&bad_role).contains("--role"),
        "{}",
        stderr(&bad_role)
    );
    assert!(stdout(&vtn(&db, &["user", "list"], None)).contains("dana\tviewer"));
    let passwd = vtn(
        &db,
        &["user", "passwd", "dana"],
        Some("another long password"),
    );
    assert!(passwd.status.success(), "{}", stderr(&passwd));
    let nobody = vtn(
        &db,
        &["user", "passwd", "nobody"],
        Some("another long password"),
    );
    assert!(
        stderr(&nobody).contains("no user \"nobody\""),
        "{}",
        stderr(&nobody)
    );

    let token = vtn(
        &db,
        &["token", "create", "scada", "--role", "operator"],
        None,
    );
    assert!(token.status.success(), "{}", stderr(&token));
    assert!(stdout(&token).trim().starts_with("vtn_"));
    assert!(
        stdout(&vtn(&db, &["token", "list"], None))
            .contains("scada\toperator\texpires never\tlive")
    );
    assert!(vtn(&db, &["token", "revoke", "1"], None).status.success());
    let again = vtn(&db, &["token", "revoke", "1"], None);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("no live token with ID 1"));

    let site = vtn(
        &db,
        &[
            "site",
            "create",
            "--name",
            "Depot",
            "--ven-name",
            "depot",
            "--fingerprint",
            "c78fb87370aa8fee5637",
        ],
        None,
    );
    assert!(site.status.success(), "{}", stderr(&site));
    let bad = vtn(
        &db,
        &[
            "site",
            "create",
            "--name",
            "X",
            "--ven-name",
            "x",
            "--fingerprint",
            "nope",
        ],
        None,
    );
    assert!(stderr(&bad).contains("--fingerprint"), "{}", stderr(&bad));
    let missing = vtn(
        &db,
        &[
            "site",
            "create",
            "--name",
            "Y",
            "--ven-name",
            "y",
            "--program",
            "9",
        ],
        None,
    );
    assert!(
        stderr(&missing).contains("--program 9: no such program"),
        "{}",
        stderr(&missing)
    );
    let listed = stdout(&vtn(&db, &["site", "list"], None));
    assert!(listed.contains("depot\tven-"), "{listed}");
    assert!(listed.contains("C7:8F:B8:73:70:AA:8F:EE:56:37"), "{listed}");

    let export = vtn(&db, &["export", "telemetry", "--event", "5", "--csv"], None);
    assert!(!export.status.success());
    assert!(stderr(&export).contains("--event 5: no such event"));
}
