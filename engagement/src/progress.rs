//! Long work (importing a population, attaching evidence, writing an archive) reports how far it
//! has got and can be stopped: the caller's callback gets the count so far (rows or bytes) and
//! returns false to cancel. Cancelled work is undone like any failed work.

use std::cell::Cell;
use std::io::{Seek, SeekFrom, Write};

use crate::error::Error;

/// Called with the rows or bytes done so far; returning false cancels the work.
pub type Progress<'a> = &'a mut dyn FnMut(u64) -> bool;

/// A progress callback for callers with nothing to show and no way to cancel.
pub fn silent(_: u64) -> bool {
    true
}

pub(crate) fn cancelled(what: impl Into<String>) -> Error {
    Error::Cancelled(what.into())
}

/// How often a `CountingWriter` reports.
const STEP: u64 = 1 << 20;

/// Counts the bytes written through it, reporting every mebibyte. Once the callback asks to
/// stop, every further write fails and `stopped` is set, so the caller can tell a cancellation
/// from a failure however the error was wrapped on its way out.
pub(crate) struct CountingWriter<'p, W> {
    inner: W,
    written: u64,
    reported: u64,
    progress: Progress<'p>,
    stopped: &'p Cell<bool>,
}

impl<'p, W> CountingWriter<'p, W> {
    pub fn new(inner: W, progress: Progress<'p>, stopped: &'p Cell<bool>) -> Self {
        CountingWriter { inner, written: 0, reported: 0, progress, stopped }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.stopped.get() && self.written - self.reported >= STEP {
            self.reported = self.written;
            self.stopped.set(!(self.progress)(self.written));
        }
        if self.stopped.get() {
            return Err(std::io::Error::other("cancelled"));
        }
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Seek> Seek for CountingWriter<'_, W> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}
