//! The gzip file format (RFC 1952) around miniz_oxide's raw DEFLATE: a
//! header, the compressed data, then the CRC-32 and the length (mod 2^32) of
//! the original data, little-endian. A file may hold several such members,
//! one after another; decompressing gives their data concatenated.

use alloc::vec;
use core::fmt;

use miniz_oxide::deflate::core::{CompressionStrategy, CompressorOxide};
use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

use crate::crc32::{self, Crc32};

const MAGIC: [u8; 2] = [0x1f, 0x8b];
const METHOD_DEFLATE: u8 = 8;
// Header flags (FLG).
const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;
const RESERVED: u8 = 0xe0;
const OS_UNIX: u8 = 3;

/// Output is handed on in pieces of this size, so memory stays at the input
/// plus one piece however large the result.
const CHUNK: usize = 64 * 1024;

/// Why the input could not be turned into output.
#[derive(Debug)]
pub enum Error {
    NotGzip,
    Truncated,
    Header(&'static str),
    Corrupt,
    Crc { stored: u32, computed: u32 },
    Length { stored: u32, computed: u32 },
    TrailingGarbage,
    /// miniz_oxide's compressor refused its parameters (a bug here).
    Deflate,
    /// The sink refused a piece of output (its own error code).
    Sink(i32),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Error::NotGzip => write!(f, "not in gzip format"),
            Error::Truncated => write!(f, "unexpected end of input"),
            Error::Header(what) => write!(f, "bad gzip header: {what}"),
            Error::Corrupt => write!(f, "invalid compressed data"),
            Error::Crc { stored, computed } => {
                write!(f, "CRC-32 mismatch: stored {stored:#010x}, computed {computed:#010x}")
            }
            Error::Length { stored, computed } => write!(f, "length mismatch: stored {stored}, computed {computed}"),
            Error::TrailingGarbage => write!(f, "trailing garbage after gzip data"),
            Error::Deflate => write!(f, "the compressor failed"),
            Error::Sink(e) => write!(f, "output error {e}"),
        }
    }
}

/// Compresses `input` into one gzip member at `level` (1-9), handing the
/// result to `sink` piece by piece.
pub fn compress(input: &[u8], level: u8, sink: &mut dyn FnMut(&[u8]) -> Result<(), i32>) -> Result<(), Error> {
    // XFL tells a reader how hard the compressor tried, as gzip sets it.
    let xfl = match level {
        9 => 2,
        1 => 4,
        _ => 0,
    };
    // No name and a zero MTIME: the data comes from a pipe.
    sink(&[MAGIC[0], MAGIC[1], METHOD_DEFLATE, 0, 0, 0, 0, 0, xfl, OS_UNIX]).map_err(Error::Sink)?;

    let mut deflater = CompressorOxide::with_params(DataFormat::Raw, level, CompressionStrategy::Default, 15);
    let mut out = vec![0u8; CHUNK];
    let mut rest = input;
    loop {
        let r = miniz_oxide::deflate::stream::deflate(&mut deflater, rest, &mut out, MZFlush::Finish);
        rest = rest.get(r.bytes_consumed..).unwrap_or_default();
        sink(out.get(..r.bytes_written).unwrap_or_default()).map_err(Error::Sink)?;
        match r.status {
            Ok(MZStatus::StreamEnd) => break,
            Ok(_) => {}
            Err(_) => return Err(Error::Deflate),
        }
    }

    let mut trailer = [0u8; 8];
    trailer[..4].copy_from_slice(&crc32::of(input).to_le_bytes());
    trailer[4..].copy_from_slice(&(input.len() as u32).to_le_bytes());
    sink(&trailer).map_err(Error::Sink)
}

/// Decompresses every gzip member in `input`, handing the data to `sink`
/// piece by piece. Each member's CRC-32 and length are checked when its data
/// ends, so a bad member's output has already gone out (as with gzip).
pub fn decompress(input: &[u8], sink: &mut dyn FnMut(&[u8]) -> Result<(), i32>) -> Result<(), Error> {
    let mut inflater = InflateState::new_boxed(DataFormat::Raw);
    let mut out = vec![0u8; CHUNK];
    let mut rest = input;
    loop {
        let mut data = skip_header(rest)?;
        inflater.reset(DataFormat::Raw);
        let (mut crc, mut len) = (Crc32::new(), 0u32);
        loop {
            let r = inflate(&mut inflater, data, &mut out, MZFlush::None);
            data = data.get(r.bytes_consumed..).unwrap_or_default();
            let piece = out.get(..r.bytes_written).unwrap_or_default();
            crc.update(piece);
            len = len.wrapping_add(piece.len() as u32);
            sink(piece).map_err(Error::Sink)?;
            match r.status {
                Ok(MZStatus::StreamEnd) => break,
                // All the input is here: stopping short of the end means it was cut.
                Ok(_) if r.bytes_consumed == 0 && r.bytes_written == 0 => return Err(Error::Truncated),
                Ok(_) => {}
                Err(MZError::Buf) => return Err(Error::Truncated),
                Err(_) => return Err(Error::Corrupt),
            }
        }
        let trailer = data.get(..8).ok_or(Error::Truncated)?;
        let stored = u32_le(&trailer[..4]);
        if stored != crc.value() {
            return Err(Error::Crc { stored, computed: crc.value() });
        }
        let stored = u32_le(&trailer[4..]);
        if stored != len {
            return Err(Error::Length { stored, computed: len });
        }
        rest = &data[8..];
        if rest.is_empty() {
            return Ok(());
        }
        if rest.get(..2) != Some(&MAGIC[..]) {
            return Err(Error::TrailingGarbage);
        }
    }
}

/// Checks a member's header and returns what follows it.
fn skip_header(member: &[u8]) -> Result<&[u8], Error> {
    if member.len() < 2 {
        return Err(if member.is_empty() { Error::Truncated } else { Error::NotGzip });
    }
    if member[..2] != MAGIC {
        return Err(Error::NotGzip);
    }
    let fixed = member.get(..10).ok_or(Error::Truncated)?;
    if fixed[2] != METHOD_DEFLATE {
        return Err(Error::Header("unknown compression method"));
    }
    let flags = fixed[3];
    if flags & RESERVED != 0 {
        return Err(Error::Header("reserved flag set"));
    }
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let xlen = member.get(at..at + 2).ok_or(Error::Truncated)?;
        at += 2 + u16::from_le_bytes([xlen[0], xlen[1]]) as usize;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let text = member.get(at..).ok_or(Error::Truncated)?;
            at += 1 + text.iter().position(|&b| b == 0).ok_or(Error::Truncated)?;
        }
    }
    if flags & FHCRC != 0 {
        let stored = member.get(at..at + 2).ok_or(Error::Truncated)?;
        // The header CRC is the low half of the CRC-32 of the bytes before it.
        if u16::from_le_bytes([stored[0], stored[1]]) != crc32::of(&member[..at]) as u16 {
            return Err(Error::Header("header CRC mismatch"));
        }
        at += 2;
    }
    member.get(at..).ok_or(Error::Truncated)
}

fn u32_le(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}
