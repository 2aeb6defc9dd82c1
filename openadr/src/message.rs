//! The `oadrPayload` envelope and the message inside it: dispatch by element
//! name for reading, and the schema's envelope for writing.

use crate::decode::Decoder;
use crate::deviation::{Deviation, DeviationKind, Mode};
use crate::error::{Error, ErrorKind};
use crate::event::{CreatedEvent, DistributeEvent, RequestEvent};
use crate::ns::Ns;
use crate::opt::{CancelOpt, CanceledOpt, CreateOpt, CreatedOpt};
use crate::poll::Poll;
use crate::register::{
    CancelPartyRegistration, CanceledPartyRegistration, CreatePartyRegistration,
    CreatedPartyRegistration, QueryRegistration, RequestReregistration, Response,
};
use crate::report::{
    CancelReport, CanceledReport, CreateReport, CreatedReport, RegisterReport, RegisteredReport,
    UpdateReport, UpdatedReport,
};
use crate::xml::reader::Namespace;
use crate::xml::{Element, Limits, Writer, parse_document};

macro_rules! messages {
    ($($variant:ident($ty:ty) => $name:literal,)*) => {
        /// Every OpenADR 2.0b message.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Message {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant($ty),
            )*
        }

        impl Message {
            /// The message's element name, e.g. `oadrPoll`.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Message::$variant(_) => $name,)*
                }
            }

            fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
                match el.name() {
                    $($name => d.within($name, |d| Ok(Message::$variant(<$ty>::decode(d, el)?))),)*
                    other => Err(d.error(ErrorKind::UnknownMessage(other.to_owned()), other)),
                }
            }

            fn encode_body(&self, w: &mut Writer) {
                match self {
                    $(Message::$variant(m) => m.encode(w),)*
                }
            }
        }

        $(
            impl From<$ty> for Message {
                fn from(message: $ty) -> Self {
                    Message::$variant(message)
                }
            }
        )*
    };
}

messages! {
    QueryRegistration(QueryRegistration) => "oadrQueryRegistration",
    CreatePartyRegistration(CreatePartyRegistration) => "oadrCreatePartyRegistration",
    CreatedPartyRegistration(CreatedPartyRegistration) => "oadrCreatedPartyRegistration",
    CancelPartyRegistration(CancelPartyRegistration) => "oadrCancelPartyRegistration",
    CanceledPartyRegistration(CanceledPartyRegistration) => "oadrCanceledPartyRegistration",
    RequestReregistration(RequestReregistration) => "oadrRequestReregistration",
    Response(Response) => "oadrResponse",
    RequestEvent(RequestEvent) => "oadrRequestEvent",
    DistributeEvent(DistributeEvent) => "oadrDistributeEvent",
    CreatedEvent(CreatedEvent) => "oadrCreatedEvent",
    RegisterReport(RegisterReport) => "oadrRegisterReport",
    RegisteredReport(RegisteredReport) => "oadrRegisteredReport",
    CreateReport(CreateReport) => "oadrCreateReport",
    CreatedReport(CreatedReport) => "oadrCreatedReport",
    UpdateReport(UpdateReport) => "oadrUpdateReport",
    UpdatedReport(UpdatedReport) => "oadrUpdatedReport",
    CancelReport(CancelReport) => "oadrCancelReport",
    CanceledReport(CanceledReport) => "oadrCanceledReport",
    CreateOpt(CreateOpt) => "oadrCreateOpt",
    CreatedOpt(CreatedOpt) => "oadrCreatedOpt",
    CancelOpt(CancelOpt) => "oadrCancelOpt",
    CanceledOpt(CanceledOpt) => "oadrCanceledOpt",
    Poll(Poll) => "oadrPoll",
}

/// How to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Lenient (report deviations) or strict (refuse them).
    pub mode: Mode,
    /// Size, depth and element-count bounds.
    pub limits: Limits,
}

/// A message read from XML.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The message.
    pub message: Message,
    /// The `ds:Signature`, as sent (not verified).
    pub signature: Option<String>,
    /// What deviated from the schema (always empty in strict mode).
    pub deviations: Vec<Deviation>,
}

/// Reads an `oadrPayload` document.
pub fn read(xml: &[u8], options: ReadOptions) -> Result<Parsed, Error> {
    let document = parse_document(xml, options.limits)?;
    let root = document.root();
    let mut d = Decoder::new(options.mode);
    if root.name() != "oadrPayload" {
        return Err(Error::at(
            ErrorKind::UnknownMessage(format!("root element {}", root.name())),
            root.name(),
        ));
    }
    d.check_ns(&root, Ns::Oadr)?;
    let (message, signature) = d.within("oadrPayload", |d| {
        // The reader checked the document is UTF-8 and the span is an element's.
        let signature = d
            .child(&root, Ns::Ds, "Signature")?
            .map(|sig| String::from_utf8_lossy(&xml[sig.span()]).into_owned());
        let signed = d.required(&root, Ns::Oadr, "oadrSignedObject")?;
        let message = d.within("oadrSignedObject", |d| {
            let mut children = signed.children();
            let (Some(el), None) = (children.next(), children.next()) else {
                return Err(d.error(
                    ErrorKind::UnknownMessage(format!(
                        "{} elements in oadrSignedObject",
                        signed.child_count()
                    )),
                    "",
                ));
            };
            d.check_ns(&el, Ns::Oadr)?;
            let version = el.attribute("schemaVersion");
            if let Some(version) = version.filter(|v| v.ns != Namespace::Known(Ns::Ei)) {
                let kind = DeviationKind::WrongNamespace {
                    name: "@schemaVersion".into(),
                    expected: Ns::Ei.uri(),
                    found: version.ns.uri().to_owned(),
                };
                d.deviate(el.name(), kind)?;
            }
            Message::decode(d, &el)
        })?;
        Ok((message, signature))
    })?;
    Ok(Parsed {
        message,
        signature,
        deviations: d.deviations,
    })
}

impl Message {
    /// The message as a complete, schema-valid `oadrPayload` document.
    pub fn to_xml(&self) -> String {
        let mut w = Writer::new();
        w.begin_document();
        w.start_with(
            Ns::Oadr,
            "oadrSignedObject",
            &[(Ns::Oadr, "Id", "oadrSignedObject")],
        );
        w.start_with(Ns::Oadr, self.name(), &[(Ns::Ei, "schemaVersion", "2.0b")]);
        self.encode_body(&mut w);
        w.end(Ns::Oadr, self.name());
        w.end(Ns::Oadr, "oadrSignedObject");
        w.finish_document()
    }
}
