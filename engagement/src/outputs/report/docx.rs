//! The draft report as a Word document: the same content as the PDF, composed through the same
//! `Sink`, in Word's own styles (Normal, Title, Heading 1 to 3, Table Grid) so the firm can apply its
//! template and edit the draft before it is issued. Table header rows repeat on every page.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Header, Paragraph, Run, Style, StyleType, Table, TableBorders, TableCell, TableProperty, TableRow, WidthType,
};

use super::layout::{Column, Sink, Style as Look, BANNER, H1, H2, STRONG, TITLE};
use crate::error::{Error, Result};

/// The text width of a US Letter page with one-inch margins, in twentieths of a point.
const TEXT_WIDTH: usize = 9360;

pub(crate) struct Word {
    docx: Docx,
}

fn paragraph_style(id: &str, name: &str, half_points: usize, outline: Option<usize>) -> Style {
    let style = Style::new(id, StyleType::Paragraph).name(name).based_on("Normal").next("Normal").q_format(true).size(half_points).bold();
    match outline {
        Some(level) => style.outline_lvl(level),
        None => style,
    }
}

impl Word {
    /// A document whose every page is headed `header` (the DRAFT mark) when there is one.
    pub fn new(header: Option<&str>) -> Self {
        let docx = Docx::new()
            .add_style(Style::new("Normal", StyleType::Paragraph).name("Normal").q_format(true).size(20))
            .add_style(paragraph_style("Title", "Title", 44, None))
            .add_style(paragraph_style("Heading1", "heading 1", 32, Some(0)))
            .add_style(paragraph_style("Heading2", "heading 2", 26, Some(1)))
            .add_style(paragraph_style("Heading3", "heading 3", 22, Some(2)))
            .add_style(Style::new("TableGrid", StyleType::Table).name("Table Grid").table_property(TableProperty::new().set_borders(TableBorders::new())));
        let docx = match header {
            Some(text) => docx.header(Header::new().add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_text(text).bold()))),
            None => docx,
        };
        Word { docx }
    }

    fn push(&mut self, paragraph: Paragraph) {
        self.docx = std::mem::take(&mut self.docx).add_paragraph(paragraph);
    }

    /// The .docx bytes. Two marks docx-rs cannot write are added to its XML: Normal as the
    /// default paragraph style, and `w:tblHeader` after the `w:cantSplit` of header rows, so
    /// Word repeats them on every page.
    pub fn finish(self) -> Result<Vec<u8>> {
        let mut xml = self.docx.build();
        // Normal is the default paragraph style (docx-rs cannot say so): what unstyled text is.
        let styles = String::from_utf8_lossy(&xml.styles).into_owned();
        xml.styles = styles.replacen(r#"<w:style w:type="paragraph" w:styleId="Normal">"#, r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal">"#, 1).into_bytes();
        let document = String::from_utf8_lossy(&xml.document).into_owned();
        xml.document = document.replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />").replace("<w:cantSplit/>", "<w:cantSplit/><w:tblHeader/>").into_bytes();
        let mut out = Cursor::new(Vec::new());
        xml.pack(&mut out).map_err(|e| Error::Io { path: "report.docx".into(), source: std::io::Error::other(e) })?;
        Ok(out.into_inner())
    }
}

impl Sink for Word {
    fn gap(&mut self, _points: f32) {}

    fn new_page(&mut self) {
        self.push(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    }

    fn heading(&mut self, text: &str, style: Look) {
        let id = match style {
            s if s == H1 => "Heading1",
            s if s == H2 => "Heading2",
            _ => "Heading3",
        };
        self.push(Paragraph::new().style(id).add_run(Run::new().add_text(text)));
    }

    fn paragraph(&mut self, text: &str, style: Look) {
        let paragraph = match style {
            s if s == BANNER => Paragraph::new().style("Title").align(AlignmentType::Center).add_run(Run::new().add_text(text)),
            s if s == TITLE => Paragraph::new().style("Title").add_run(Run::new().add_text(text)),
            s if s == H1 => Paragraph::new().style("Heading1").add_run(Run::new().add_text(text)),
            s if s == H2 => Paragraph::new().style("Heading2").add_run(Run::new().add_text(text)),
            s if s == STRONG => Paragraph::new().add_run(Run::new().add_text(text).bold()),
            _ => lines(Paragraph::new(), text),
        };
        self.push(paragraph);
    }

    fn fields(&mut self, pairs: &[(&str, String)]) {
        for (label, value) in pairs {
            self.push(Paragraph::new().add_run(Run::new().add_text(format!("{label}: ")).bold()).add_run(Run::new().add_text(value.as_str())));
        }
    }

    fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        let total: f32 = columns.iter().map(|c| c.share).sum();
        let widths: Vec<usize> = columns.iter().map(|c| (TEXT_WIDTH as f32 * c.share / total) as usize).collect();
        let cell = |text: &str, width: usize, bold: bool| {
            let paragraph = if bold { Paragraph::new().add_run(Run::new().add_text(text).bold()) } else { lines(Paragraph::new(), text) };
            TableCell::new().add_paragraph(paragraph).width(width, WidthType::Dxa)
        };
        let header = TableRow::new(columns.iter().zip(&widths).map(|(c, &w)| cell(c.title, w, true)).collect()).cant_split();
        let mut table_rows = vec![header];
        table_rows.extend(rows.iter().map(|row| TableRow::new(row.iter().zip(&widths).map(|(text, &w)| cell(text, w, false)).collect())));
        let table = Table::new(table_rows).style("TableGrid").set_grid(widths).width(TEXT_WIDTH, WidthType::Dxa);
        self.docx = std::mem::take(&mut self.docx).add_table(table);
    }
}

/// A paragraph whose text keeps its line breaks.
fn lines(mut paragraph: Paragraph, text: &str) -> Paragraph {
    for (i, line) in text.split('\n').enumerate() {
        let run = Run::new();
        let run = if i > 0 { run.add_break(BreakType::TextWrapping) } else { run };
        paragraph = paragraph.add_run(run.add_text(line));
    }
    paragraph
}
