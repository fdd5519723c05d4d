// SPDX-License-Identifier: MIT OR Apache-2.0
//! A progress bar on stderr for large labs, when stderr is a terminal.

use std::io::Write;

use netnest_lab::{Phase, Progress};

/// Labs with fewer nodes come up too fast for a bar to help.
pub const MIN_NODES: usize = 20;

const WIDTH: usize = 30;

/// Draws `[#####.....] done/total phase` over itself, at most every 1/40 of the work.
pub struct Bar<'w> {
    out: &'w mut dyn Write,
    last: usize,
    drawn: bool,
}

impl<'w> Bar<'w> {
    pub fn new(out: &'w mut dyn Write) -> Bar<'w> {
        Bar {
            out,
            last: 0,
            drawn: false,
        }
    }

    pub fn update(&mut self, p: Progress) {
        if p.phase == Phase::Done {
            self.finish();
            return;
        }
        let step = (p.total / 40).max(1);
        if p.done < self.last + step && p.done != p.total {
            return;
        }
        self.last = p.done;
        let filled = WIDTH * p.done / p.total.max(1);
        let phase = match p.phase {
            Phase::Namespaces => "namespaces",
            Phase::Links => "links",
            Phase::Sysctls => "sysctls",
            Phase::Addresses => "addresses and routes",
            _ => "",
        };
        let _ = write!(
            self.out,
            "\r\x1b[K[{}{}] {}/{} {phase}",
            "#".repeat(filled),
            ".".repeat(WIDTH - filled),
            p.done,
            p.total
        );
        let _ = self.out.flush();
        self.drawn = true;
    }

    pub fn finish(&mut self) {
        if self.drawn {
            let _ = write!(self.out, "\r\x1b[K");
            let _ = self.out.flush();
            self.drawn = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_and_clears() {
        let mut out = Vec::new();
        {
            let mut bar = Bar::new(&mut out);
            for done in 1..=400 {
                bar.update(Progress {
                    phase: Phase::Links,
                    done,
                    total: 400,
                });
            }
            bar.update(Progress {
                phase: Phase::Done,
                done: 1,
                total: 1,
            });
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches('\r').count(), 41, "40 redraws and one clear");
        assert!(text.contains(&format!("[{}] 400/400 links", "#".repeat(30))));
        assert!(text.ends_with("\r\x1b[K"));
    }
}
