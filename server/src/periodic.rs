//! The background tasks' loop: a pass every period until shutdown.

use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

/// Runs `pass` at once and then every `period` until `stop` turns true. A
/// pass that overruns delays the next instead of bunching them up.
pub async fn every<F, Fut>(period: Duration, mut stop: watch::Receiver<bool>, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
        pass().await;
    }
}
