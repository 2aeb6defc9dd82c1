//! OadrPoll: a pull VEN asks for whatever the VTN has queued for it.

use crate::decode::Decoder;
use crate::error::Error;
use crate::ns::Ns;
use crate::values::VenId;
use crate::xml::{Element, Writer};

/// `oadrPoll`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// The polling VEN.
    pub ven_id: VenId,
}

impl Poll {
    pub(crate) fn decode(d: &mut Decoder, el: &Element) -> Result<Self, Error> {
        Ok(Self {
            ven_id: VenId(d.text(el, Ns::Ei, "venID")?),
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.leaf(Ns::Ei, "venID", self.ven_id.as_str());
    }
}
