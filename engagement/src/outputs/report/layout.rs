//! A small page-layout engine for audit paper: wrapped paragraphs, label/value blocks, and
//! tables whose rows never split across a page unless a single row is taller than a page, with
//! the header row repeated on every page, a running header and "Page n of m" on every page.
//! Everything is laid out first as marks on pages, so the page count is known for the footers
//! and the fonts can be subset to exactly the characters printed.

use std::collections::BTreeSet;

use printpdf::{
    Color, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect,
    TextItem,
};

use super::fonts::{FaceId, Weight, MISSING};

/// US Letter, the paper SOC 2 reports are issued on.
const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN: f32 = 54.0;
const BODY_TOP: f32 = 76.0;
const BODY_BOTTOM: f32 = PAGE_H - 58.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const CELL_PAD: f32 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub size: f32,
    pub weight: Weight,
}

impl Style {
    fn leading(self) -> f32 {
        self.size * 1.3
    }
}

pub(crate) const BODY: Style = Style { size: 9.0, weight: Weight::Regular };
pub(crate) const STRONG: Style = Style { size: 9.0, weight: Weight::Bold };
pub(crate) const TABLE: Style = Style { size: 7.5, weight: Weight::Regular };
const TABLE_HEAD: Style = Style { size: 7.5, weight: Weight::Bold };
pub(crate) const H1: Style = Style { size: 15.0, weight: Weight::Bold };
pub(crate) const H2: Style = Style { size: 11.5, weight: Weight::Bold };
pub(crate) const TITLE: Style = Style { size: 22.0, weight: Weight::Bold };
pub(crate) const BANNER: Style = Style { size: 40.0, weight: Weight::Bold };
const RUNNING: Style = Style { size: 7.5, weight: Weight::Regular };

/// A table column: its heading and its share of the text width.
pub(crate) struct Column<'a> {
    pub title: &'a str,
    pub share: f32,
}

enum Mark {
    /// A run of text all in one face.
    Text { x: f32, baseline: f32, style: Style, face: FaceId, text: String },
    Rule { from: (f32, f32), to: (f32, f32) },
    Shade { x: f32, top: f32, w: f32, h: f32 },
}

/// Where a report's content goes: the PDF layout here, or a Word document (`docx.rs`). The
/// draft is composed once against this, so both formats say exactly the same.
pub(crate) trait Sink {
    fn gap(&mut self, points: f32);
    fn new_page(&mut self);
    fn heading(&mut self, text: &str, style: Style);
    fn paragraph(&mut self, text: &str, style: Style);
    fn fields(&mut self, pairs: &[(&str, String)]);
    fn table(&mut self, columns: &[Column], rows: &[Vec<String>]);
}

impl Sink for Document {
    fn gap(&mut self, points: f32) {
        Document::gap(self, points);
    }
    fn new_page(&mut self) {
        Document::new_page(self);
    }
    fn heading(&mut self, text: &str, style: Style) {
        Document::heading(self, text, style);
    }
    fn paragraph(&mut self, text: &str, style: Style) {
        Document::paragraph(self, text, style);
    }
    fn fields(&mut self, pairs: &[(&str, String)]) {
        Document::fields(self, pairs);
    }
    fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        Document::table(self, columns, rows);
    }
}

pub(crate) struct Document {
    title: String,
    running_header: String,
    pages: Vec<Vec<Mark>>,
    /// Distance of the next line's top from the top of the page.
    y: f32,
    /// The characters printed in each face of `FaceId::ALL`, to subset it to.
    used: [BTreeSet<char>; 3],
}

impl Document {
    pub fn new(title: &str, running_header: &str) -> Self {
        Document { title: title.to_owned(), running_header: running_header.to_owned(), pages: vec![Vec::new()], y: BODY_TOP, used: Default::default() }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = BODY_TOP;
    }

    pub fn gap(&mut self, points: f32) {
        self.y = (self.y + points).min(BODY_BOTTOM);
    }

    /// Moves to a new page unless `height` still fits on this one.
    fn need(&mut self, height: f32) {
        if self.y + height > BODY_BOTTOM && self.y > BODY_TOP {
            self.new_page();
        }
    }

    /// A heading kept together with at least the first lines of what follows it.
    pub fn heading(&mut self, text: &str, style: Style) {
        self.need(style.leading() + 4.0 * BODY.leading());
        self.gap(style.size * 0.4);
        self.paragraph(text, style);
        self.gap(style.size * 0.3);
    }

    pub fn paragraph(&mut self, text: &str, style: Style) {
        self.paragraph_at(MARGIN, CONTENT_W, text, style);
        self.gap(style.size * 0.5);
    }

    fn paragraph_at(&mut self, x: f32, width: f32, text: &str, style: Style) {
        for line in wrap(text, style, width) {
            self.need(style.leading());
            self.text(x, self.y + style.size, style, line);
            self.y += style.leading();
        }
    }

    /// Label and value pairs, the labels in bold in a column of their own. A pair moves whole
    /// to the next page rather than leave its label above a value printed overleaf; only a
    /// value longer than a page is continued, from at least its first three lines.
    pub fn fields(&mut self, pairs: &[(&str, String)]) {
        let label_w = 120.0;
        let page_lines = ((BODY_BOTTOM - BODY_TOP) / BODY.leading()).floor() as usize;
        for (label, value) in pairs {
            let value = if value.trim().is_empty() { "—" } else { value.as_str() };
            let lines = wrap(value, BODY, CONTENT_W - label_w).len().max(1);
            let keep = if lines > page_lines { 3 } else { lines };
            self.need(BODY.leading() * keep as f32);
            let label = wrap(label, STRONG, label_w - 6.0).swap_remove(0);
            self.text(MARGIN, self.y + BODY.size, STRONG, label);
            self.paragraph_at(MARGIN + label_w, CONTENT_W - label_w, value, BODY);
        }
        self.gap(BODY.size * 0.5);
    }

    /// A ruled table; `rows` hold one string per column. A row moves whole to the next page
    /// when it does not fit; only a row taller than a whole page is continued across pages.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        let total: f32 = columns.iter().map(|c| c.share).sum();
        let mut edges = vec![MARGIN];
        for c in columns {
            edges.push(edges.last().copied().unwrap_or(MARGIN) + CONTENT_W * c.share / total);
        }
        let wrapped_cells = |cells: &[String], style: Style| -> Vec<Vec<String>> {
            cells.iter().enumerate().map(|(i, text)| wrap(text, style, edges[i + 1] - edges[i] - 2.0 * CELL_PAD)).collect()
        };
        let head: Vec<String> = columns.iter().map(|c| c.title.to_owned()).collect();
        let head = wrapped_cells(&head, TABLE_HEAD);
        let head_lines = head.iter().map(Vec::len).max().unwrap_or(1);
        let leading = TABLE.leading();

        self.need(block_height(head_lines, leading) + block_height(2, leading));
        self.table_row(&edges, &head, 0, head_lines, TABLE_HEAD, true);
        // The most lines of one row a page holds under the header row.
        let page_lines = ((BODY_BOTTOM - BODY_TOP - block_height(head_lines, leading) - 2.0 * CELL_PAD) / leading).floor().max(1.0) as usize;
        for row in rows {
            let cells = wrapped_cells(row, TABLE);
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let mut start = 0;
            loop {
                let room = ((BODY_BOTTOM - self.y - 2.0 * CELL_PAD) / leading).floor().max(0.0) as usize;
                if lines - start <= room {
                    self.table_row(&edges, &cells, start, lines, TABLE, false);
                    break;
                }
                // A row taller than a page is continued from where it is, not moved to a page
                // of its own first (which would leave this one nearly empty); a shorter one
                // moves whole to the next page.
                if lines - start > page_lines && room >= 3 {
                    self.table_row(&edges, &cells, start, start + room, TABLE, false);
                    start += room;
                }
                self.new_page();
                self.table_row(&edges, &head, 0, head_lines, TABLE_HEAD, true);
            }
        }
        self.gap(BODY.size);
    }

    /// Draws lines `from..to` of every cell as one band of the table, with its rules.
    fn table_row(&mut self, edges: &[f32], cells: &[Vec<String>], from: usize, to: usize, style: Style, shaded: bool) {
        let leading = style.leading();
        let height = block_height(to - from, leading);
        let top = self.y;
        let page = self.pages.len() - 1;
        if shaded {
            self.pages[page].push(Mark::Shade { x: edges[0], top, w: edges[edges.len() - 1] - edges[0], h: height });
        }
        for (i, lines) in cells.iter().enumerate() {
            for (n, line) in lines.iter().enumerate().take(to).skip(from) {
                let baseline = top + CELL_PAD + (n - from) as f32 * leading + style.size;
                self.text(edges[i] + CELL_PAD, baseline, style, line.clone());
            }
        }
        let marks = &mut self.pages[page];
        marks.push(Mark::Rule { from: (edges[0], top), to: (edges[edges.len() - 1], top) });
        marks.push(Mark::Rule { from: (edges[0], top + height), to: (edges[edges.len() - 1], top + height) });
        for &x in edges {
            marks.push(Mark::Rule { from: (x, top), to: (x, top + height) });
        }
        self.y = top + height;
    }

    fn text(&mut self, x: f32, baseline: f32, style: Style, text: String) {
        let page = self.pages.len() - 1;
        self.text_on(page, x, baseline, style, &text);
    }

    /// Places `text` on `page` as runs of one face each: the style's own, or the fallback for
    /// the characters it lacks (`wrap` has already replaced what neither prints).
    fn text_on(&mut self, page: usize, mut x: f32, baseline: f32, style: Style, text: &str) {
        let face_of = |c: char| FaceId::for_char(style.weight, c).unwrap_or(FaceId::from(style.weight));
        let mut run = String::new();
        let mut run_face = None;
        let flush = |run: &mut String, face: Option<FaceId>, x: &mut f32, this: &mut Self| {
            if let (false, Some(face)) = (run.is_empty(), face) {
                this.used[face as usize].extend(run.chars());
                let width = FaceId::width(style.weight, run, style.size);
                this.pages[page].push(Mark::Text { x: *x, baseline, style, face, text: std::mem::take(run) });
                *x += width;
            }
        };
        for c in text.chars() {
            let face = face_of(c);
            if run_face != Some(face) {
                flush(&mut run, run_face, &mut x, self);
                run_face = Some(face);
            }
            run.push(c);
        }
        flush(&mut run, run_face, &mut x, self);
    }

    /// The finished PDF, with running headers and page numbers.
    pub fn finish(mut self) -> Vec<u8> {
        let count = self.pages.len();
        for n in 0..count {
            let header = wrap(&self.running_header.clone(), RUNNING, CONTENT_W).swap_remove(0);
            let page_label = format!("Page {} of {count}", n + 1);
            let width = FaceId::width(RUNNING.weight, &page_label, RUNNING.size);
            self.text_on(n, MARGIN, 40.0, RUNNING, &header);
            self.pages[n].push(Mark::Rule { from: (MARGIN, 46.0), to: (PAGE_W - MARGIN, 46.0) });
            self.text_on(n, (PAGE_W - width) / 2.0, PAGE_H - 32.0, RUNNING, &page_label);
        }
        let mut pdf = PdfDocument::new(&self.title);
        let now = printpdf::OffsetDateTime::now_utc();
        let info = &mut pdf.metadata.info;
        (info.creation_date, info.modification_date, info.metadata_date) = (now, now, now);
        info.producer = format!("Tickmark {}", env!("CARGO_PKG_VERSION"));
        info.creator = "Tickmark".to_owned();
        info.subject = self.running_header.clone();
        let fonts: Vec<_> = FaceId::ALL.iter().map(|f| pdf.add_font(&f.face().subset(&self.used[*f as usize]))).collect();
        let pages = self
            .pages
            .into_iter()
            .map(|marks| PdfPage::new(Mm::from(Pt(PAGE_W)), Mm::from(Pt(PAGE_H)), marks.into_iter().flat_map(|m| ops(m, &fonts)).collect()))
            .collect();
        without_empty_info(pdf.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new()))
    }
}

/// The PDF with the document information's empty entries dropped: printpdf writes every key,
/// and an empty `GTS_PDFXVersion` makes readers take the file for PDF/X. Unchanged should the
/// file not parse back, which would be printpdf's fault, not the auditor's.
fn without_empty_info(bytes: Vec<u8>) -> Vec<u8> {
    let Ok(mut doc) = lopdf::Document::load_mem(&bytes) else { return bytes };
    let Ok(info) = doc.trailer.get(b"Info").and_then(lopdf::Object::as_reference) else { return bytes };
    if let Ok(dict) = doc.get_object_mut(info).and_then(lopdf::Object::as_dict_mut) {
        let empty: Vec<Vec<u8>> = dict
            .iter()
            .filter(|(_, v)| match v {
                lopdf::Object::String(s, _) => s.is_empty() || s == b"\xfe\xff",
                _ => false,
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in empty.iter().map(Vec::as_slice).chain([b"GTS_PDFXVersion".as_slice()]) {
            dict.remove(key);
        }
    }
    let mut out = Vec::new();
    match doc.save_to(&mut out) {
        Ok(_) => out,
        Err(_) => bytes,
    }
}

fn block_height(lines: usize, leading: f32) -> f32 {
    lines as f32 * leading + 2.0 * CELL_PAD
}

fn point(x: f32, y_from_top: f32) -> Point {
    Point { x: Pt(x), y: Pt(PAGE_H - y_from_top) }
}

fn ops(mark: Mark, fonts: &[printpdf::FontId]) -> Vec<Op> {
    match mark {
        Mark::Text { x, baseline, style, face, text } => vec![
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(fonts[face as usize].clone()), size: Pt(style.size) },
            Op::SetTextCursor { pos: point(x, baseline) },
            Op::ShowText { items: vec![TextItem::Text(text)] },
            Op::EndTextSection,
        ],
        Mark::Rule { from, to } => vec![
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawLine {
                line: Line {
                    points: vec![LinePoint { p: point(from.0, from.1), bezier: false }, LinePoint { p: point(to.0, to.1), bezier: false }],
                    is_closed: false,
                },
            },
        ],
        Mark::Shade { x, top, w, h } => vec![
            Op::SetFillColor { col: Color::Greyscale(Greyscale { percent: 0.9, icc_profile: None }) },
            Op::DrawRectangle {
                rectangle: Rect { x: Pt(x), y: Pt(PAGE_H - top - h), width: Pt(w), height: Pt(h), mode: Some(PaintMode::Fill), winding_order: None },
            },
            Op::SetFillColor { col: Color::Greyscale(Greyscale { percent: 0.0, icc_profile: None }) },
        ],
    }
}

/// Breaks `text` into lines no wider than `width`: at spaces where it can, inside a word only
/// when the word alone is too wide. Line breaks in the text are kept; characters the font
/// cannot print become U+FFFD.
pub(crate) fn wrap(text: &str, style: Style, width: f32) -> Vec<String> {
    let fits = |s: &str| FaceId::width(style.weight, s, style.size) <= width;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let printable: String = paragraph
            .chars()
            .map(|c| match c {
                '\t' => ' ',
                c if c.is_control() || FaceId::for_char(style.weight, c).is_none() => MISSING,
                c => c,
            })
            .collect();
        let mut line = String::new();
        for word in printable.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if !fits(&line) && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page each text run containing `needle` is on.
    fn pages_of(doc: &Document, needle: &str) -> Vec<usize> {
        doc.pages.iter().enumerate().flat_map(|(i, page)| page.iter().filter(move |m| matches!(m, Mark::Text { text, .. } if text.contains(needle))).map(move |_| i)).collect()
    }

    #[test]
    fn a_label_is_never_left_above_a_value_printed_overleaf() {
        for filler in 0..60 {
            let mut doc = Document::new("t", "h");
            for _ in 0..filler {
                doc.paragraph("filler line", BODY);
            }
            let value = (0..8).map(|i| format!("line{i} of a value long enough to wrap over several lines of the page.")).collect::<Vec<_>>().join(" ");
            doc.fields(&[("Label", value)]);
            let label = pages_of(&doc, "Label");
            let first = pages_of(&doc, "line0");
            let last = pages_of(&doc, "line7");
            assert_eq!((label.len(), first.len(), last.len()), (1, 1, 1));
            assert_eq!((label[0], last[0]), (first[0], first[0]), "after {filler} lines: the label and its whole value on one page");
        }
    }
}
