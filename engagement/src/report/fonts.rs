//! DejaVu Sans, built into the binary so a report prints alike on every machine and names such
//! as "Señor Núñez", quotes, dashes and tickmarks (✓) print as written. Each document embeds
//! only the glyphs it uses: printpdf subsets fonts only through its `text_layout` feature (the
//! azul layout engine and fontconfig), so we subset with the allsorts it already depends on.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use printpdf::ParsedFont;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Printed in place of a character the font has no glyph for, so nothing silently vanishes.
pub(crate) const MISSING: char = '\u{FFFD}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    pub const ALL: [Weight; 2] = [Weight::Regular, Weight::Bold];

    pub fn face(self) -> &'static Face {
        static FACES: OnceLock<[Face; 2]> = OnceLock::new();
        let faces = FACES.get_or_init(|| [Face::load(REGULAR), Face::load(BOLD)]);
        &faces[self as usize]
    }
}

pub(crate) struct Face {
    bytes: &'static [u8],
    parsed: ParsedFont,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Face {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the built-in DejaVu fonts parse");
        Face { bytes, parsed }
    }

    pub fn has(&self, c: char) -> bool {
        self.parsed.lookup_glyph_index(c as u32).is_some_and(|gid| gid != 0)
    }

    /// The advance width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                let gid = self.parsed.lookup_glyph_index(c as u32).unwrap_or(0);
                u32::from(self.parsed.get_glyph_width(gid).unwrap_or(0))
            })
            .sum();
        units as f32 * size / f32::from(self.parsed.units_per_em)
    }

    /// The font cut down to `used`; the whole font should subsetting fail, since a larger file
    /// is better than a missing one.
    pub fn subset(&self, used: &BTreeSet<char>) -> ParsedFont {
        let mut glyphs: Vec<u16> = used.iter().filter_map(|&c| self.parsed.lookup_glyph_index(c as u32)).filter(|&g| g != 0).collect();
        glyphs.sort_unstable();
        glyphs.dedup();
        glyphs.insert(0, 0);
        let subset_bytes = ReadScope::new(self.bytes)
            .read::<FontData<'_>>()
            .ok()
            .and_then(|font| font.table_provider(0).ok())
            .and_then(|provider| subset(&provider, &glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode).ok());
        match subset_bytes.and_then(|bytes| ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())) {
            Some(mut subset) => {
                // A subset is named with a tag of six capitals (ISO 32000-1, 9.6.4), here drawn
                // from the glyphs it holds, so readers know the font is not whole.
                let mut hasher = std::hash::DefaultHasher::new();
                std::hash::Hash::hash(&glyphs, &mut hasher);
                let mut n = std::hash::Hasher::finish(&hasher);
                let tag: String = (0..6).map(|_| { let c = (b'A' + (n % 26) as u8) as char; n /= 26; c }).collect();
                let name = self.parsed.font_name.clone().unwrap_or_else(|| "DejaVuSans".to_owned());
                subset.font_name = Some(format!("{tag}+{name}"));
                subset
            }
            None => self.parsed.clone(),
        }
    }
}
