//! OadrPoll: whatever the VTN has for the VEN, one message per poll.

use super::error::OadrError;
use super::exchange::Request;
use super::outbox;
use super::register::acknowledge;
use openadr::Message;

/// Answers a poll with the VEN's next message, or a plain 200 when there is
/// none.
pub async fn handle(request: Request<'_>) -> Result<Message, OadrError> {
    let Request {
        state,
        site,
        message,
    } = request;
    let Message::Poll(_) = message else {
        return Err(OadrError::not_recognized(message.name(), "OadrPoll"));
    };
    match outbox::next(state, &site).await? {
        Some(outgoing) => {
            outbox::delivered(state, &site, &outgoing).await?;
            Ok(outgoing.message)
        }
        None => Ok(acknowledge(Default::default(), &site.ven_id)),
    }
}
