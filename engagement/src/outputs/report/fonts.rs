//! DejaVu Sans, built into the binary so a report prints alike on every machine and names such
//! as "Señor Núñez", quotes, dashes and tickmarks (✓) print as written; Droid Sans Fallback for
//! the characters DejaVu lacks (Chinese, Japanese, Korean), so "山田テック株式会社" prints too. Each document embeds
//! only the glyphs it uses: printpdf subsets fonts only through its `text_layout` feature (the
//! azul layout engine and fontconfig), so we subset with the allsorts it already depends on.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use printpdf::ParsedFont;

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
const FALLBACK: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");

/// Printed in place of a character the font has no glyph for, so nothing silently vanishes.
pub(crate) const MISSING: char = '\u{FFFD}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// The faces a document draws with: the weight's own, or the fallback for what it lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaceId {
    Regular,
    Bold,
    Fallback,
}

impl From<Weight> for FaceId {
    fn from(weight: Weight) -> Self {
        match weight {
            Weight::Regular => FaceId::Regular,
            Weight::Bold => FaceId::Bold,
        }
    }
}

impl FaceId {
    pub const ALL: [FaceId; 3] = [FaceId::Regular, FaceId::Bold, FaceId::Fallback];

    pub fn face(self) -> &'static Face {
        static FACES: OnceLock<[Face; 3]> = OnceLock::new();
        let faces = FACES.get_or_init(|| [Face::load(REGULAR), Face::load(BOLD), Face::load(FALLBACK)]);
        &faces[self as usize]
    }

    /// The face that prints `c` in `weight`, if any does.
    pub fn for_char(weight: Weight, c: char) -> Option<FaceId> {
        let own = FaceId::from(weight);
        if own.face().has(c) {
            Some(own)
        } else if FaceId::Fallback.face().has(c) {
            Some(FaceId::Fallback)
        } else {
            None
        }
    }

    /// The advance width of `text` in `weight` at `size`, each character in the face that prints it.
    pub fn width(weight: Weight, text: &str, size: f32) -> f32 {
        text.chars().map(|c| FaceId::for_char(weight, c).unwrap_or(FaceId::from(weight)).face().char_width(c, size)).sum()
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

    /// The advance width of `c` at `size` points.
    pub fn char_width(&self, c: char, size: f32) -> f32 {
        let gid = self.parsed.lookup_glyph_index(c as u32).unwrap_or(0);
        f32::from(self.parsed.get_glyph_width(gid).unwrap_or(0)) * size / f32::from(self.parsed.units_per_em)
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
                let name = self.parsed.font_name.clone().unwrap_or_else(|| "Embedded".to_owned());
                subset.font_name = Some(format!("{tag}+{name}"));
                subset
            }
            None => self.parsed.clone(),
        }
    }
}
