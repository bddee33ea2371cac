//! What the browser and the helper read off the websocket never panics: the
//! bounded JSON reader, the helper's messages as the page decodes them, and
//! the upload's binary chunk frames, which round-trip when their CRC holds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_shared::protocol::Chunk;
use lifeline_shared::protocol::json::Json;
use lifeline_shared::protocol::wire::server_message;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Json::parse(text);
        let _ = server_message(text);
    }
    if let Ok(chunk) = Chunk::decode(data) {
        assert_eq!(Chunk::encode(chunk.file, chunk.index, chunk.data), data);
    }
});
