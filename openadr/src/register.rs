//! EiRegisterParty: registration, its cancellation, re-registration, and the
//! generic `oadrResponse`.

use crate::common::EiResponse;
use crate::decode::Decoder;
use crate::error::Error;
use crate::ns::Ns;
use crate::values::{Duration, RegistrationId, RequestId, VenId, VtnId};
use crate::xml::{Element, Writer};

/// `oadrQueryRegistration`: a VEN asks what the VTN supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRegistration {
    /// The request's ID.
    pub request_id: RequestId,
}

/// `oadrCreatePartyRegistration`: a VEN registers (or re-registers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatePartyRegistration {
    /// The request's ID.
    pub request_id: RequestId,
    /// Present when re-registering.
    pub registration_id: Option<RegistrationId>,
    /// Present when the VEN already has one.
    pub ven_id: Option<VenId>,
    /// `2.0a` or `2.0b`.
    pub profile_name: String,
    /// `simpleHttp` or `xmpp`.
    pub transport_name: String,
    /// Where the VTN can push to (push VENs).
    pub transport_address: Option<String>,
    /// The VEN only reports and takes no events.
    pub report_only: bool,
    /// The VEN signs its messages.
    pub xml_signature: bool,
    /// The VEN's name, which the VTN maps to a site.
    pub ven_name: Option<String>,
    /// Pull (poll) rather than push.
    pub http_pull_model: Option<bool>,
}

/// One `oadrProfile` the VTN supports, with its transports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// `2.0a` or `2.0b`.
    pub name: String,
    /// Transport names, e.g. `simpleHttp`.
    pub transports: Vec<String>,
}

/// `oadrService` in `oadrServiceSpecificInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInfo {
    /// `EiEvent`, `EiOpt`, `EiReport`, `EiRegisterParty` or `OadrPoll`.
    pub name: String,
    /// Key/value pairs (at least one).
    pub info: Vec<(String, String)>,
}

/// `oadrCreatedPartyRegistration`: the VTN's answer to a query or registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedPartyRegistration {
    /// Outcome.
    pub response: EiResponse,
    /// Assigned registration (absent when answering a query).
    pub registration_id: Option<RegistrationId>,
    /// Assigned VEN ID.
    pub ven_id: Option<VenId>,
    /// This VTN.
    pub vtn_id: VtnId,
    /// Supported profiles and transports.
    pub profiles: Vec<Profile>,
    /// The VEN shall poll at most this often.
    pub poll_freq: Option<Duration>,
    /// Service-specific key/values.
    pub service_specific_info: Vec<ServiceInfo>,
}

/// `oadrCancelPartyRegistration`: either side ends the registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelPartyRegistration {
    /// The request's ID.
    pub request_id: RequestId,
    /// The registration to end.
    pub registration_id: RegistrationId,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

/// `oadrCanceledPartyRegistration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanceledPartyRegistration {
    /// Outcome.
    pub response: EiResponse,
    /// The ended registration.
    pub registration_id: Option<RegistrationId>,
    /// The VEN.
    pub ven_id: Option<VenId>,
}

/// `oadrRequestReregistration`: the VTN asks a VEN to register again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestReregistration {
    /// The VEN.
    pub ven_id: VenId,
}

/// `oadrResponse`: a plain acknowledgement (or refusal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Outcome.
    pub response: EiResponse,
    /// The VEN concerned.
    pub ven_id: Option<VenId>,
}

impl QueryRegistration {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
    }
}

impl CreatePartyRegistration {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            registration_id: d
                .opt_text(el, Ns::Ei, "registrationID")?
                .map(RegistrationId),
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
            profile_name: d.text(el, Ns::Oadr, "oadrProfileName")?,
            transport_name: d.text(el, Ns::Oadr, "oadrTransportName")?,
            transport_address: d.opt_text(el, Ns::Oadr, "oadrTransportAddress")?,
            report_only: d.boolean(el, Ns::Oadr, "oadrReportOnly")?,
            xml_signature: d.boolean(el, Ns::Oadr, "oadrXmlSignature")?,
            ven_name: d.opt_text(el, Ns::Oadr, "oadrVenName")?,
            http_pull_model: d.opt_boolean(el, Ns::Oadr, "oadrHttpPullModel")?,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        if let Some(id) = &self.registration_id {
            w.leaf(Ns::Ei, "registrationID", id.as_str());
        }
        if let Some(id) = &self.ven_id {
            w.leaf(Ns::Ei, "venID", id.as_str());
        }
        w.leaf(Ns::Oadr, "oadrProfileName", &self.profile_name);
        w.leaf(Ns::Oadr, "oadrTransportName", &self.transport_name);
        if let Some(address) = &self.transport_address {
            w.leaf(Ns::Oadr, "oadrTransportAddress", address);
        }
        w.leaf_display(Ns::Oadr, "oadrReportOnly", self.report_only);
        w.leaf_display(Ns::Oadr, "oadrXmlSignature", self.xml_signature);
        if let Some(name) = &self.ven_name {
            w.leaf(Ns::Oadr, "oadrVenName", name);
        }
        if let Some(pull) = self.http_pull_model {
            w.leaf_display(Ns::Oadr, "oadrHttpPullModel", pull);
        }
    }
}

impl CreatedPartyRegistration {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        let response = EiResponse::decode_in(d, el)?;
        let profiles_el = d.required(el, Ns::Oadr, "oadrProfiles")?;
        let profiles = d.within("oadrProfiles", |d| {
            d.children(&profiles_el, Ns::Oadr, "oadrProfile")?
                .into_iter()
                .map(|profile| {
                    d.within("oadrProfile", |d| {
                        let transports_el = d.required(&profile, Ns::Oadr, "oadrTransports")?;
                        let transports = d.within("oadrTransports", |d| {
                            d.children(&transports_el, Ns::Oadr, "oadrTransport")?
                                .into_iter()
                                .map(|t| d.text(&t, Ns::Oadr, "oadrTransportName"))
                                .collect::<Result<Vec<_>, _>>()
                        })?;
                        Ok(Profile {
                            name: d.text(&profile, Ns::Oadr, "oadrProfileName")?,
                            transports,
                        })
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })?;
        let service_specific_info = match d.child(el, Ns::Oadr, "oadrServiceSpecificInfo")? {
            Some(info) => d.within("oadrServiceSpecificInfo", |d| {
                d.children(&info, Ns::Oadr, "oadrService")?
                    .into_iter()
                    .map(|service| {
                        let pairs = d
                            .children(&service, Ns::Oadr, "oadrInfo")?
                            .into_iter()
                            .map(|i| {
                                Ok((
                                    d.text(&i, Ns::Oadr, "oadrKey")?,
                                    d.text(&i, Ns::Oadr, "oadrValue")?,
                                ))
                            })
                            .collect::<Result<Vec<_>, Error>>()?;
                        Ok(ServiceInfo {
                            name: d.text(&service, Ns::Oadr, "oadrServiceName")?,
                            info: pairs,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })?,
            None => Vec::new(),
        };
        Ok(Self {
            response,
            registration_id: d
                .opt_text(el, Ns::Ei, "registrationID")?
                .map(RegistrationId),
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
            vtn_id: VtnId(d.text(el, Ns::Ei, "vtnID")?),
            profiles,
            poll_freq: d.opt_duration_prop(el, Ns::Oadr, "oadrRequestedOadrPollFreq")?,
            service_specific_info,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        if let Some(id) = &self.registration_id {
            w.leaf(Ns::Ei, "registrationID", id.as_str());
        }
        if let Some(id) = &self.ven_id {
            w.leaf(Ns::Ei, "venID", id.as_str());
        }
        w.leaf(Ns::Ei, "vtnID", self.vtn_id.as_str());
        w.start(Ns::Oadr, "oadrProfiles");
        for profile in &self.profiles {
            w.start(Ns::Oadr, "oadrProfile");
            w.leaf(Ns::Oadr, "oadrProfileName", &profile.name);
            w.start(Ns::Oadr, "oadrTransports");
            for transport in &profile.transports {
                w.start(Ns::Oadr, "oadrTransport");
                w.leaf(Ns::Oadr, "oadrTransportName", transport);
                w.end(Ns::Oadr, "oadrTransport");
            }
            w.end(Ns::Oadr, "oadrTransports");
            w.end(Ns::Oadr, "oadrProfile");
        }
        w.end(Ns::Oadr, "oadrProfiles");
        if let Some(freq) = &self.poll_freq {
            w.start(Ns::Oadr, "oadrRequestedOadrPollFreq");
            w.leaf_display(Ns::Xcal, "duration", freq);
            w.end(Ns::Oadr, "oadrRequestedOadrPollFreq");
        }
        if !self.service_specific_info.is_empty() {
            w.start(Ns::Oadr, "oadrServiceSpecificInfo");
            for service in &self.service_specific_info {
                w.start(Ns::Oadr, "oadrService");
                w.leaf(Ns::Oadr, "oadrServiceName", &service.name);
                for (key, value) in &service.info {
                    w.start(Ns::Oadr, "oadrInfo");
                    w.leaf(Ns::Oadr, "oadrKey", key);
                    w.leaf(Ns::Oadr, "oadrValue", value);
                    w.end(Ns::Oadr, "oadrInfo");
                }
                w.end(Ns::Oadr, "oadrService");
            }
            w.end(Ns::Oadr, "oadrServiceSpecificInfo");
        }
    }
}

impl CancelPartyRegistration {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            request_id: RequestId(d.text(el, Ns::Pyld, "requestID")?),
            registration_id: RegistrationId(d.text(el, Ns::Ei, "registrationID")?),
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        w.leaf(Ns::Ei, "registrationID", self.registration_id.as_str());
        if let Some(id) = &self.ven_id {
            w.leaf(Ns::Ei, "venID", id.as_str());
        }
    }
}

impl CanceledPartyRegistration {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            response: EiResponse::decode_in(d, el)?,
            registration_id: d
                .opt_text(el, Ns::Ei, "registrationID")?
                .map(RegistrationId),
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        if let Some(id) = &self.registration_id {
            w.leaf(Ns::Ei, "registrationID", id.as_str());
        }
        if let Some(id) = &self.ven_id {
            w.leaf(Ns::Ei, "venID", id.as_str());
        }
    }
}

impl RequestReregistration {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            ven_id: VenId(d.text(el, Ns::Ei, "venID")?),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Ei, "venID", self.ven_id.as_str());
    }
}

impl Response {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            response: EiResponse::decode_in(d, el)?,
            ven_id: d.opt_text(el, Ns::Ei, "venID")?.map(VenId),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.response.encode(w);
        if let Some(id) = &self.ven_id {
            w.leaf(Ns::Ei, "venID", id.as_str());
        }
    }
}
