//! Fuzzes the reader: it must never panic, and whatever it accepts must write
//! back to XML that reads strictly to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openadr::{Mode, ReadOptions, read};

fuzz_target!(|data: &[u8]| {
    for mode in [Mode::Lenient, Mode::Strict] {
        let Ok(parsed) = read(data, ReadOptions { mode, ..ReadOptions::default() }) else {
            continue;
        };
        let xml = parsed.message.to_xml();
        let strict = ReadOptions { mode: Mode::Strict, ..ReadOptions::default() };
        let again = read(xml.as_bytes(), strict).expect("the codec reads what it writes");
        assert_eq!(again.message, parsed.message, "round trip changed the message:\n{xml}");
    }
});
