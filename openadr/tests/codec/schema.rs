//! Every message the writer produces validates against the official 2.0b XSD.

use crate::samples::all_messages;
use std::path::PathBuf;
use std::process::Command;

/// The schema shipped in PyPI's `openleadr` (installed by `make tools`), or
/// `OADR_SCHEMA_DIR`.
pub fn schema_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("OADR_SCHEMA_DIR") {
        return dir.into();
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/lib");
    let found = std::fs::read_dir(&venv).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| e.path().join("site-packages/openleadr/schema"))
            .find(|p| p.join("oadr_20b.xsd").exists())
    });
    found.unwrap_or_else(|| {
        panic!(
            "no OpenADR schema under {}: run `make tools` or set OADR_SCHEMA_DIR",
            venv.display()
        )
    })
}

/// Runs xmllint on the files; returns its output on failure.
pub fn validate(files: &[PathBuf]) -> Result<(), String> {
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema_dir().join("oadr_20b.xsd"))
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!("running xmllint (Debian package libxml2-utils; `make tools` installs it): {e}")
        });
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn every_written_message_is_schema_valid() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = all_messages()
        .iter()
        .enumerate()
        .map(|(i, message)| {
            let path = dir.path().join(format!("{i:02}-{}.xml", message.name()));
            std::fs::write(&path, message.to_xml()).unwrap();
            path
        })
        .collect();
    if let Err(report) = validate(&files) {
        panic!("xmllint refused messages:\n{report}");
    }
}

#[test]
fn the_validator_really_rejects_invalid_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xml");
    let xml = openadr::Message::from(openadr::poll::Poll { ven_id: "v".into() })
        .to_xml()
        .replace("ei:venID", "ei:vtnID");
    std::fs::write(&path, xml).unwrap();
    assert!(validate(&[path]).is_err());
}
