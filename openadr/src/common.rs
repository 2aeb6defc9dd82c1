//! Structures several services share: responses, targets, units (item bases).

use crate::decode::Decoder;
use crate::error::Error;
use crate::ns::Ns;
use crate::values::{RequestId, VenId};
use crate::xml::{Element, Writer};

/// `ei:eiResponse`: the outcome of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EiResponse {
    /// Three-digit OpenADR response code (200 OK).
    pub code: u16,
    /// Human-readable explanation.
    pub description: Option<String>,
    /// The request this answers (may be empty when there is none).
    pub request_id: RequestId,
}

impl EiResponse {
    /// 200 OK for `request_id`.
    pub fn ok(request_id: RequestId) -> Self {
        Self {
            code: 200,
            description: Some("OK".into()),
            request_id,
        }
    }

    /// The required `ei:eiResponse` child of `parent`.
    pub(crate) fn decode_in(d: &mut Decoder, parent: &Element) -> Result<Self, Error> {
        let el = d.required(parent, Ns::Ei, "eiResponse")?;
        Self::decode(d, &el)
    }

    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        d.within("eiResponse", |d| {
            let text = d.text(el, Ns::Ei, "responseCode")?;
            let code = text
                .parse::<u16>()
                .ok()
                .filter(|c| (100..1000).contains(c) && text.len() == 3)
                .ok_or_else(|| d.invalid("responseCode", &text, "expected a three-digit code"))?;
            Ok(Self {
                code,
                description: d.opt_text(el, Ns::Ei, "responseDescription")?,
                // pyoadr-ven leaves it out of oadrCreatedEvent.
                request_id: RequestId(d.text_or_assume(el, Ns::Pyld, "requestID", "")?),
            })
        })
    }

    pub(crate) fn encode_as(&self, w: &mut Writer, ns: Ns, name: &str) {
        w.start(ns, name);
        w.leaf_display(Ns::Ei, "responseCode", self.code);
        if let Some(description) = &self.description {
            w.leaf(Ns::Ei, "responseDescription", description);
        }
        w.leaf(Ns::Pyld, "requestID", self.request_id.as_str());
        w.end(ns, name);
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        self.encode_as(w, Ns::Ei, "eiResponse");
    }
}

/// `ei:eiTarget`: whom an event, signal or opt applies to. Targets by
/// location or market node (`power:*`, `emix:serviceArea`) are not modelled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EiTarget {
    /// `ei:groupID`.
    pub group_ids: Vec<String>,
    /// `ei:groupName`.
    pub group_names: Vec<String>,
    /// `ei:resourceID`.
    pub resource_ids: Vec<String>,
    /// `ei:venID`.
    pub ven_ids: Vec<VenId>,
    /// `ei:partyID`.
    pub party_ids: Vec<String>,
}

impl EiTarget {
    /// A target of exactly these VENs.
    pub fn vens(ids: impl IntoIterator<Item = VenId>) -> Self {
        Self {
            ven_ids: ids.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Decodes a target-typed element (`eiTarget`, `reportSubject`…) named `name`.
    pub(crate) fn decode(d: &mut Decoder, el: &Element, name: &'static str) -> Result<Self, Error> {
        d.within(name, |d| {
            let texts = |d: &mut Decoder, child: &'static str| -> Result<Vec<String>, Error> {
                Ok(d.children(el, Ns::Ei, child)?
                    .into_iter()
                    .map(|c| c.text().trim().to_owned())
                    .collect())
            };
            Ok(Self {
                group_ids: texts(d, "groupID")?,
                group_names: texts(d, "groupName")?,
                resource_ids: texts(d, "resourceID")?,
                ven_ids: texts(d, "venID")?.into_iter().map(VenId).collect(),
                party_ids: texts(d, "partyID")?,
            })
        })
    }

    pub(crate) fn encode_as(&self, w: &mut Writer, ns: Ns, name: &str) {
        w.start(ns, name);
        for id in &self.group_ids {
            w.leaf(Ns::Ei, "groupID", id);
        }
        for group in &self.group_names {
            w.leaf(Ns::Ei, "groupName", group);
        }
        for id in &self.resource_ids {
            w.leaf(Ns::Ei, "resourceID", id);
        }
        for id in &self.ven_ids {
            w.leaf(Ns::Ei, "venID", id.as_str());
        }
        for id in &self.party_ids {
            w.leaf(Ns::Ei, "partyID", id);
        }
        w.end(ns, name);
    }
}

/// What an item base measures: each kind is its own element of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// `power:powerReal` (W).
    PowerReal,
    /// `power:powerApparent` (VA).
    PowerApparent,
    /// `power:powerReactive` (VAR).
    PowerReactive,
    /// `power:energyReal` (Wh).
    EnergyReal,
    /// `power:energyApparent` (VAh).
    EnergyApparent,
    /// `power:energyReactive` (VARh).
    EnergyReactive,
    /// `power:voltage` (V).
    Voltage,
    /// `oadr:current` (A).
    Current,
    /// `oadr:frequency` (Hz).
    Frequency,
    /// `oadr:temperature` (celsius or fahrenheit).
    Temperature,
    /// `oadr:Therm` (thm).
    Therm,
    /// `oadr:pulseCount`.
    PulseCount,
    /// `oadr:currency`.
    Currency,
    /// `oadr:currencyPerKWh`.
    CurrencyPerKwh,
    /// `oadr:currencyPerKW`.
    CurrencyPerKw,
    /// `oadr:currencyPerThm`.
    CurrencyPerThm,
    /// `oadr:customUnit`.
    Custom,
}

const ITEM_KINDS: [(ItemKind, Ns, &str); 17] = [
    (ItemKind::PowerReal, Ns::Power, "powerReal"),
    (ItemKind::PowerApparent, Ns::Power, "powerApparent"),
    (ItemKind::PowerReactive, Ns::Power, "powerReactive"),
    (ItemKind::EnergyReal, Ns::Power, "energyReal"),
    (ItemKind::EnergyApparent, Ns::Power, "energyApparent"),
    (ItemKind::EnergyReactive, Ns::Power, "energyReactive"),
    (ItemKind::Voltage, Ns::Power, "voltage"),
    (ItemKind::Current, Ns::Oadr, "current"),
    (ItemKind::Frequency, Ns::Oadr, "frequency"),
    (ItemKind::Temperature, Ns::Oadr, "temperature"),
    (ItemKind::Therm, Ns::Oadr, "Therm"),
    (ItemKind::PulseCount, Ns::Oadr, "pulseCount"),
    (ItemKind::Currency, Ns::Oadr, "currency"),
    (ItemKind::CurrencyPerKwh, Ns::Oadr, "currencyPerKWh"),
    (ItemKind::CurrencyPerKw, Ns::Oadr, "currencyPerKW"),
    (ItemKind::CurrencyPerThm, Ns::Oadr, "currencyPerThm"),
    (ItemKind::Custom, Ns::Oadr, "customUnit"),
];

/// Type names some VENs write instead of the element name (pyoadr-ven writes
/// `oadr:PowerRealType` for `power:powerReal`).
const ITEM_ALIASES: [(&str, ItemKind); 4] = [
    ("PowerRealType", ItemKind::PowerReal),
    ("EnergyRealType", ItemKind::EnergyReal),
    ("VoltageType", ItemKind::Voltage),
    ("CurrentType", ItemKind::Current),
];

impl ItemKind {
    fn element(self) -> (Ns, &'static str) {
        ITEM_KINDS
            .iter()
            .find(|(kind, _, _)| *kind == self)
            .map(|(_, ns, name)| (*ns, *name))
            .unwrap_or((Ns::Oadr, "customUnit"))
    }

    fn has_power_attributes(self) -> bool {
        matches!(
            self,
            ItemKind::PowerReal | ItemKind::PowerApparent | ItemKind::PowerReactive
        )
    }
}

/// `power:powerAttributes`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerAttributes {
    /// Grid frequency.
    pub hertz: f64,
    /// Nominal voltage.
    pub voltage: f64,
    /// Alternating current.
    pub ac: bool,
}

impl Default for PowerAttributes {
    /// 60 Hz, 120 V, AC (North American defaults, as openleadr uses).
    fn default() -> Self {
        Self {
            hertz: 60.0,
            voltage: 120.0,
            ac: true,
        }
    }
}

/// `emix:itemBase`: the unit of a signal, report point or baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemBase {
    /// Which element.
    pub kind: ItemKind,
    /// `itemDescription`.
    pub description: String,
    /// `itemUnits`.
    pub units: String,
    /// `scale:siScaleCode` (`none`, `k`, `M`…); absent for pulse counts.
    pub si_scale: Option<String>,
    /// For power kinds.
    pub power_attributes: Option<PowerAttributes>,
    /// For pulse counts.
    pub pulse_factor: Option<f32>,
}

impl ItemBase {
    fn new(kind: ItemKind, description: &str, units: &str, scale: &str) -> Self {
        Self {
            kind,
            description: description.into(),
            units: units.into(),
            si_scale: Some(scale.into()),
            power_attributes: kind.has_power_attributes().then(PowerAttributes::default),
            pulse_factor: None,
        }
    }

    /// Real power in W with an SI scale (`none`, `k`…).
    pub fn power_real(scale: &str) -> Self {
        Self::new(ItemKind::PowerReal, "RealPower", "W", scale)
    }

    /// Real energy in Wh with an SI scale.
    pub fn energy_real(scale: &str) -> Self {
        Self::new(ItemKind::EnergyReal, "RealEnergy", "Wh", scale)
    }

    /// Voltage in V.
    pub fn voltage(scale: &str) -> Self {
        Self::new(ItemKind::Voltage, "Voltage", "V", scale)
    }

    /// Current in A.
    pub fn current(scale: &str) -> Self {
        Self::new(ItemKind::Current, "Current", "A", scale)
    }

    /// Temperature in `celsius` or `fahrenheit`.
    pub fn temperature(units: &str) -> Self {
        Self::new(ItemKind::Temperature, "temperature", units, "none")
    }

    /// A price per kWh in an ISO 4217 currency (e.g. `USD`).
    pub fn currency_per_kwh(currency: &str) -> Self {
        Self::new(ItemKind::CurrencyPerKwh, "currencyPerKWh", currency, "none")
    }

    /// A pulse count with its factor.
    pub fn pulse_count(factor: f32) -> Self {
        Self {
            kind: ItemKind::PulseCount,
            description: "pulse count".into(),
            units: "count".into(),
            si_scale: None,
            power_attributes: None,
            pulse_factor: Some(factor),
        }
    }

    /// Finds the item base among `parent`'s children, if any.
    pub(crate) fn decode_in(d: &mut Decoder, parent: &Element) -> Result<Option<Self>, Error> {
        for child in parent.children() {
            if let Some((kind, ns, name)) =
                ITEM_KINDS.iter().find(|(_, _, name)| child.name() == *name)
            {
                d.check_ns(&child, *ns)?;
                return Self::decode(d, &child, *kind, *ns, name).map(Some);
            }
            if let Some((alias, kind)) = ITEM_ALIASES
                .iter()
                .find(|(alias, _)| child.name() == *alias)
            {
                let (ns, name) = kind.element();
                d.deviate(
                    alias,
                    crate::deviation::DeviationKind::ElementAlias {
                        found: (*alias).to_owned(),
                        read_as: name,
                    },
                )?;
                return Self::decode(d, &child, *kind, ns, name).map(Some);
            }
        }
        Ok(None)
    }

    fn decode(
        d: &mut Decoder,
        el: &Element,
        kind: ItemKind,
        ns: Ns,
        name: &'static str,
    ) -> Result<Self, Error> {
        d.within(name, |d| {
            let power_attributes = match d.child(el, Ns::Power, "powerAttributes")? {
                Some(attrs) => Some(d.within("powerAttributes", |d| {
                    Ok(PowerAttributes {
                        hertz: d.finite(&attrs, Ns::Power, "hertz")?,
                        voltage: d.finite(&attrs, Ns::Power, "voltage")?,
                        ac: d.boolean(&attrs, Ns::Power, "ac")?,
                    })
                })?),
                None => None,
            };
            Ok(Self {
                kind,
                description: d.text(el, ns, "itemDescription")?,
                units: d.text(el, ns, "itemUnits")?,
                si_scale: d.opt_text(el, Ns::Scale, "siScaleCode")?,
                power_attributes,
                pulse_factor: d.opt_finite(el, Ns::Oadr, "pulseFactor")?,
            })
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        let (ns, name) = self.kind.element();
        w.start(ns, name);
        w.leaf(ns, "itemDescription", &self.description);
        w.leaf(ns, "itemUnits", &self.units);
        if let Some(factor) = self.pulse_factor {
            w.leaf_display(Ns::Oadr, "pulseFactor", factor);
        } else {
            w.leaf(
                Ns::Scale,
                "siScaleCode",
                self.si_scale.as_deref().unwrap_or("none"),
            );
        }
        if self.kind.has_power_attributes() {
            let attrs = self.power_attributes.unwrap_or_default();
            w.start(Ns::Power, "powerAttributes");
            w.leaf_display(Ns::Power, "hertz", attrs.hertz);
            w.leaf_display(Ns::Power, "voltage", attrs.voltage);
            w.leaf_display(Ns::Power, "ac", attrs.ac);
            w.end(Ns::Power, "powerAttributes");
        }
        w.end(ns, name);
    }
}
