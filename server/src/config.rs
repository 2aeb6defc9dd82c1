//! Configuration: command-line flags, `VTN_*` environment variables and an
//! optional TOML file, in that order of precedence. Every setting has a
//! documented default; a bad value stops start-up with a message naming it.

use anyhow::{Context, Result, bail};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// OpenADR 2.0b VTN: the utility-side server of automated demand response.
#[derive(Debug, Parser)]
#[command(version, about, args_override_self = true)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

/// Subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Apply migrations, then serve (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage operator accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage bearer tokens of the management API.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Create and list sites, for scripting.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Write data out.
    #[command(subcommand)]
    Export(ExportCommand),
    /// The VEN client CA and the VEN certificates it issues.
    #[command(subcommand)]
    Pki(PkiCommand),
}

/// `vtn pki …`. The VEN CA is the one the server uses: `--ven-ca` and
/// `--ven-ca-key`, or the development PKI's in `--dev-pki-dir`.
#[derive(Debug, Clone, Subcommand)]
pub enum PkiCommand {
    /// Create a new VEN client CA (ECDSA P-256, ten years) where the server
    /// looks for it; refused if one is there.
    Init {
        /// The CA's common name.
        #[arg(long, default_value = "OpenADR VTN VEN CA")]
        name: String,
    },
    /// Install an existing VEN client CA (certificate and its private key,
    /// PEM) where the server looks for it.
    Import {
        /// The CA certificate (PEM).
        #[arg(long)]
        cert: PathBuf,
        /// The CA's private key (PEM, PKCS#8).
        #[arg(long)]
        key: PathBuf,
        /// Replace the CA that is there (certificates it issued stop working).
        #[arg(long)]
        replace: bool,
    },
    /// Issue a VEN certificate for a site and bind the site to it; writes
    /// NAME.pem, NAME.key (0600) and NAME-chain.pem into --out.
    Issue {
        /// The site's ID (see `vtn site list`).
        #[arg(long)]
        site: i32,
        /// ecdsa-p256 or rsa-2048.
        #[arg(long, default_value = "ecdsa-p256")]
        key_type: app::models::certificate::KeyType,
        /// Directory to write the files into.
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Revoke a certificate by its ID (see `vtn pki list`); the running
    /// server refuses it within seconds.
    Revoke {
        /// The certificate's ID.
        id: i32,
    },
    /// List issued certificates: ID, VEN name, fingerprint, key, expiry, state.
    List,
}

/// `vtn site …`.
#[derive(Debug, Clone, Subcommand)]
pub enum SiteCommand {
    /// Create a site; prints its ID and the VEN ID assigned.
    Create {
        /// Display name.
        #[arg(long)]
        name: String,
        /// The VEN's name (permanent, no spaces).
        #[arg(long)]
        ven_name: String,
        /// The VEN certificate's fingerprint (10 hex pairs).
        #[arg(long)]
        fingerprint: Option<String>,
        /// Program IDs to enrol the site in (repeatable).
        #[arg(long = "program")]
        programs: Vec<i32>,
    },
    /// List sites: ID, VEN name, VEN ID, fingerprint, registered.
    List,
}

/// `vtn export …`.
#[derive(Debug, Clone, Subcommand)]
pub enum ExportCommand {
    /// An event's telemetry as CSV on standard output (site, time, baseline kW, measured kW).
    Telemetry {
        /// The event's ID (the number in its page's URL).
        #[arg(long)]
        event: i32,
        /// CSV (the only format; accepted for clarity in scripts).
        #[arg(long)]
        csv: bool,
    },
}

/// `vtn token …`.
#[derive(Debug, Clone, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (shown once; only its hash is kept).
    Create {
        /// What the token is for, e.g. "scada-integration".
        name: String,
        /// admin, operator or viewer.
        #[arg(long, default_value = "operator")]
        role: app::models::Role,
        /// Days until the token stops working (default: never).
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// Revoke a token by its ID (see `vtn token list`).
    Revoke {
        /// The token's ID.
        id: i32,
    },
    /// List tokens: ID, name, role, expiry, revoked.
    List,
}

/// `vtn user …`.
#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password comes from VTN_USER_PASSWORD, or the
    /// first line of standard input (at least 12 characters).
    Add {
        /// Login name (1–64 characters, no spaces).
        username: String,
        /// admin, operator or viewer.
        #[arg(long, default_value = "operator")]
        role: app::models::Role,
    },
    /// Set an account's password (from VTN_USER_PASSWORD or standard input);
    /// its sessions end.
    Passwd {
        /// Login name.
        username: String,
    },
    /// List accounts with their roles.
    List,
}

/// The server's settings.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// TOML file with any of these settings (keys as the long flag names, with
    /// underscores), overridden by environment variables and flags.
    #[arg(long, env = "VTN_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    /// HTTPS listen address for the UI, API and OpenADR endpoints.
    #[arg(
        long,
        env = "VTN_LISTEN",
        default_value = "127.0.0.1:8443",
        global = true
    )]
    pub listen: SocketAddr,

    /// Addresses of TLS-terminating gateways whose client-certificate header
    /// is believed on the plain-HTTP listener (comma-separated).
    #[arg(
        long,
        env = "VTN_GATEWAY_TRUSTED",
        value_delimiter = ',',
        default_value = "127.0.0.1,::1",
        global = true
    )]
    pub gateway_trusted: Vec<std::net::IpAddr>,

    /// Header in which the gateway forwards the VEN's certificate (percent-encoded PEM).
    #[arg(
        long,
        env = "VTN_GATEWAY_CERT_HEADER",
        default_value = "x-ssl-client-cert",
        global = true
    )]
    pub gateway_cert_header: String,

    /// Header in which the gateway forwards its verification result (`SUCCESS`).
    #[arg(
        long,
        env = "VTN_GATEWAY_VERIFY_HEADER",
        default_value = "x-ssl-client-verify",
        global = true
    )]
    pub gateway_verify_header: String,

    /// Optional plain-HTTP listen address, for a TLS-terminating gateway only.
    #[arg(long, env = "VTN_HTTP_LISTEN", global = true)]
    pub http_listen: Option<SocketAddr>,

    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user:pass@host/db`.
    #[arg(
        long,
        env = "VTN_DATABASE_URL",
        default_value = "sqlite://data/vtn.db?mode=rwc",
        global = true
    )]
    pub database_url: String,

    /// Server certificate chain (PEM). Without it, a development PKI is used.
    #[arg(
        long,
        env = "VTN_TLS_CERT",
        requires = "tls_key",
        requires = "ven_ca",
        global = true
    )]
    pub tls_cert: Option<PathBuf>,

    /// Server private key (PEM).
    #[arg(long, env = "VTN_TLS_KEY", requires = "tls_cert", global = true)]
    pub tls_key: Option<PathBuf>,

    /// CA certificate(s) (PEM) that sign VEN client certificates.
    #[arg(long, env = "VTN_VEN_CA", requires = "tls_cert", global = true)]
    pub ven_ca: Option<PathBuf>,

    /// Private key (PEM) of the VEN CA, to issue VEN certificates (default:
    /// the development PKI's). Keep it readable by the VTN's user only.
    #[arg(long, env = "VTN_VEN_CA_KEY", requires = "ven_ca", global = true)]
    pub ven_ca_key: Option<PathBuf>,

    /// Client certificate (PEM) the VTN presents when pushing to VENs.
    /// Without it (and no development PKI), push delivery is off.
    #[arg(long, env = "VTN_PUSH_CERT", requires = "push_key", global = true)]
    pub push_cert: Option<PathBuf>,

    /// Private key of the push client certificate.
    #[arg(long, env = "VTN_PUSH_KEY", requires = "push_cert", global = true)]
    pub push_key: Option<PathBuf>,

    /// CA certificate(s) that sign the VENs' push endpoints (default: the VEN CA).
    #[arg(long, env = "VTN_PUSH_CA", global = true)]
    pub push_ca: Option<PathBuf>,

    /// How often pending messages are pushed to push-mode VENs (and retried).
    #[arg(long, env = "VTN_PUSH_INTERVAL", default_value = "5s", value_parser = humantime::parse_duration, global = true)]
    pub push_interval: Duration,

    /// Directory of the development PKI, created on first start when no
    /// certificate is configured.
    #[arg(
        long,
        env = "VTN_DEV_PKI_DIR",
        default_value = "data/pki",
        global = true
    )]
    pub dev_pki_dir: PathBuf,

    /// This VTN's ID, sent to VENs in every message.
    #[arg(long, env = "VTN_VTN_ID", default_value = "openadr-vtn", global = true)]
    pub vtn_id: String,

    /// How often VENs should poll (sent as oadrRequestedOadrPollFreq).
    #[arg(long, env = "VTN_POLL_INTERVAL", default_value = "10s", value_parser = humantime::parse_duration, global = true)]
    pub poll_interval: Duration,

    /// Refuse OpenADR messages that deviate from the schema (460) instead of
    /// accepting and logging unambiguous deviations.
    #[arg(long, env = "VTN_STRICT_SCHEMA", global = true)]
    pub strict_schema: bool,

    /// A site is offline when not heard from for this long (e.g. 15m, 1h).
    #[arg(long, env = "VTN_OFFLINE_AFTER", default_value = "15m", value_parser = humantime::parse_duration, global = true)]
    pub offline_after: Duration,

    /// Requests taking longer than this are answered 408.
    #[arg(long, env = "VTN_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration, global = true)]
    pub request_timeout: Duration,

    /// Password of the `admin` account created on an empty database
    /// (default: generated and printed once).
    #[arg(
        long,
        env = "VTN_ADMIN_PASSWORD",
        hide_env_values = true,
        global = true
    )]
    pub admin_password: Option<String>,

    /// Directory of the built site (WASM, JS, CSS) served under /pkg.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// Log filter, e.g. `info` or `server=debug,info`.
    #[arg(long, env = "VTN_LOG", default_value = "info", global = true)]
    pub log: String,
}

impl Config {
    /// The VEN client CA: the configured one, else the development PKI's.
    pub fn ven_ca(&self) -> app::pki::VenCa {
        match &self.ven_ca {
            Some(cert) => app::pki::VenCa {
                cert: cert.clone(),
                key: self.ven_ca_key.clone(),
            },
            None => {
                let dev = crate::pki::DevPki::at(&self.dev_pki_dir);
                app::pki::VenCa {
                    cert: dev.ven_ca,
                    key: Some(dev.ven_ca_key),
                }
            }
        }
    }
}

impl Cli {
    /// Parses the process's arguments, environment and config file.
    pub fn load() -> Result<Self> {
        Self::load_from(std::env::args_os().collect::<Vec<_>>(), |name| {
            std::env::var(name).ok()
        })
    }

    fn load_from(
        args: impl IntoIterator<Item = std::ffi::OsString> + Clone,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let first = Self::try_parse_from(args.clone());
        let path = first
            .as_ref()
            .ok()
            .and_then(|cli| cli.config.config.clone())
            .or_else(|| env("VTN_CONFIG").map(PathBuf::from));
        let Some(path) = path else {
            return first.map_err(|e| e.exit());
        };
        let mut command = Self::command();
        for (key, value) in read_file(&path)? {
            let known = command
                .get_arguments()
                .any(|arg| arg.get_id() == key.as_str());
            if !known || key == "config" {
                bail!("{}: unknown setting {key:?}", path.display());
            }
            command = command.mut_arg(key.as_str(), |arg| arg.default_value(value));
        }
        let matches = command.try_get_matches_from(args).map_err(|e| e.exit())?;
        Ok(Self::from_arg_matches(&matches)?)
    }
}

fn read_file(path: &std::path::Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the config file {}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("parsing the config file {}", path.display()))?;
    table
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => bail!(
                    "{}: {key} must be a string, number or boolean, not {other}",
                    path.display()
                ),
            };
            Ok((key, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(args: &[&str], env: &[(&str, &str)]) -> Result<Cli> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let args: Vec<std::ffi::OsString> = std::iter::once("vtn")
            .chain(args.iter().copied())
            .map(Into::into)
            .collect();
        Cli::load_from(args, |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_are_documented_values() {
        let cli = load(&[], &[]).unwrap();
        assert_eq!(cli.config.listen, "127.0.0.1:8443".parse().unwrap());
        assert_eq!(cli.config.offline_after, Duration::from_secs(15 * 60));
        assert_eq!(cli.config.database_url, "sqlite://data/vtn.db?mode=rwc");
        assert!(cli.command.is_none());
    }

    #[test]
    fn file_values_apply_and_flags_override_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vtn.toml");
        std::fs::write(
            &file,
            "vtn_id = \"utility-1\"\noffline_after = \"5m\"\nlisten = \"0.0.0.0:9443\"\n",
        )
        .unwrap();
        let path = file.to_str().unwrap();
        let cli = load(&["--config", path, "--listen", "127.0.0.1:1"], &[]).unwrap();
        assert_eq!(cli.config.vtn_id, "utility-1");
        assert_eq!(cli.config.offline_after, Duration::from_secs(300));
        assert_eq!(cli.config.listen, "127.0.0.1:1".parse().unwrap());
    }

    #[test]
    fn unknown_file_setting_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vtn.toml");
        std::fs::write(&file, "listne = \"0.0.0.0:1\"\n").unwrap();
        let error = load(&[], &[("VTN_CONFIG", file.to_str().unwrap())]).unwrap_err();
        assert!(error.to_string().contains("listne"), "{error}");
    }

    #[test]
    fn a_certificate_without_its_key_is_refused() {
        let error = Cli::try_parse_from(["vtn", "--tls-cert", "a.pem"]).unwrap_err();
        assert!(error.to_string().contains("--tls-key"), "{error}");
    }
}
