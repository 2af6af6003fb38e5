//! The rules about a symbol itself: what a designer needs to fix in a published code so that
//! every phone reads it, judged from the decoded symbol (its format, geometry and the pass that
//! read it), and `unreadable-code` for a symbol that was seen but not decoded.
//!
//! - `unreadable-code`: the only finding of an undecodable symbol (its print quality cannot be
//!   judged, and its text is unknown).
//! - `fragile-code`: only a heavy decoder pass (re-binarised, rescaled, sharpened) or erasure
//!   decoding read it.
//! - `low-error-correction`: level L, which restores only 7% of the symbol; a printed code
//!   picks up scratches, dirt, glare and folds, and logos are often pasted over its middle.
//! - `small-modules`: modules narrower than `QualityOptions::min_module_px` pixels (default 4).
//!   Why 4: decoders need about 2–3 image pixels per module to binarise reliably, and a published
//!   asset is usually resized and JPEG-compressed on its way to the page or the printer (each
//!   step blurs neighbouring modules together); at 4 px a code survives a 2× reduction. This is
//!   a size in *asset* pixels: on photographs of posters it says little, hence configurable.
//! - `missing-quiet-zone`: fewer than 4 modules of margin (ISO/IEC 18004 §6.3.8), measured on the
//!   image by `decode::quiet_zone`.
//!
//! Like every audit module, this one never prints; it returns findings.

use super::{Finding, catalogue};
use crate::decode::{Ecc, Symbol};

/// The quiet zone ISO/IEC 18004 requires, in modules.
pub const REQUIRED_QUIET_ZONE: f32 = 4.0;

/// Thresholds of the print-quality rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityOptions {
    /// Modules narrower than this many pixels make a `small-modules` finding.
    pub min_module_px: f32,
    /// Judge the print quality of codes in photographs too (`--quality`, or `quality = true`
    /// in the policy). Off by default: see `is_photograph`.
    pub photographs: bool,
}

impl Default for QualityOptions {
    fn default() -> Self {
        QualityOptions {
            min_module_px: 4.0,
            photographs: false,
        }
    }
}

/// Whether an image of this media type is a photograph, whose pixels say little about the
/// printed artwork: the module size is the camera's distance, the quiet zone is whatever the
/// framing left, and a heavy decoder pass is the photo's blur or glare. The print-quality rules
/// (`fragile-code`, `low-error-correction`, `small-modules`, `missing-quiet-zone`) judge
/// born-digital images only: PNG, GIF, BMP, WebP, TIFF and the other lossless formats, SVG and
/// PDF renderings, where the grid is the published one. Camera formats are JPEG, HEIC/HEIF and
/// AVIF; a JPEG screenshot counts as a photograph too (its compression already blurred the
/// grid: judging it would report the screenshot, not the artwork).
pub fn is_photograph(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/jpeg" | "image/heic" | "image/heif" | "image/avif"
    )
}

/// What the report says about a symbol that was seen but could not be decoded.
pub const UNREADABLE_MESSAGE: &str =
    "a code is visible but could not be read: ask for a sharper, straight-on photo";

/// The findings about one symbol: the print-quality findings of a decoded one (none for a
/// photograph unless `options.photographs`), and `unreadable-code` alone for one that could not
/// be decoded.
pub fn audit_symbol(symbol: &Symbol, options: &QualityOptions, photograph: bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    if symbol.text.is_none() {
        // Said for the person who has to act on it: the decoder's own reason (`Ecc(Too many
        // errors to correct)`) stays in the symbol's `error` for those who want it.
        findings.push(Finding::new(
            &catalogue::UNREADABLE_CODE,
            UNREADABLE_MESSAGE,
        ));
        return findings;
    }
    if photograph && !options.photographs {
        return findings;
    }
    if symbol.fragile {
        let message = if let Some(erased) = symbol.erasures {
            let how = if erased > 0 {
                format!(" and treating {erased} codewords it could not tell apart as erasures")
            } else {
                String::new()
            };
            format!(
                "the decoder read this code only by re-reading its modules from the grey levels{how} (pass `{}`); phones will struggle with it too",
                symbol.pass
            )
        } else {
            format!(
                "only the heavy decoder pass `{}` could read this code; phones in the field will struggle with it too",
                symbol.pass
            )
        };
        findings.push(Finding::new(&catalogue::FRAGILE_CODE, message));
    }
    if symbol.ecc == Some(Ecc::L) {
        findings.push(Finding::new(
            &catalogue::LOW_ERROR_CORRECTION,
            "the code uses error-correction level L, which recovers only 7% of damaged modules",
        ));
    }
    if symbol.module_px > 0.0 && symbol.module_px < options.min_module_px {
        findings.push(Finding::new(
            &catalogue::SMALL_MODULES,
            format!(
                "modules are {:.1} px wide, below the {:.1} px minimum",
                symbol.module_px, options.min_module_px
            ),
        ));
    }
    if let Some(quiet) = symbol.quiet_zone_modules
        && quiet < REQUIRED_QUIET_ZONE
    {
        findings.push(Finding::new(
            &catalogue::MISSING_QUIET_ZONE,
            format!(
                "the light margin around the code is {quiet:.1} modules wide, under the 4 modules it needs"
            ),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbol() -> Symbol {
        Symbol {
            text: Some("https://example.com/".to_string()),
            bytes: b"https://example.com/".to_vec(),
            error: None,
            version: Some(2),
            ecc: Some(Ecc::M),
            mask: Some(0),
            corners: [[0.0, 0.0], [125.0, 0.0], [125.0, 125.0], [0.0, 125.0]],
            modules: 25,
            module_px: 5.0,
            pass: "direct",
            fragile: false,
            erasures: None,
            quiet_zone_modules: Some(4.0),
        }
    }

    fn rules(symbol: &Symbol) -> Vec<String> {
        audit_symbol(symbol, &QualityOptions::default(), false)
            .into_iter()
            .map(|f| f.rule.id.to_string())
            .collect()
    }

    #[test]
    fn a_good_print_has_no_findings() {
        assert!(rules(&symbol()).is_empty());
    }

    #[test]
    fn level_l_is_low_error_correction() {
        let s = Symbol {
            ecc: Some(Ecc::L),
            ..symbol()
        };
        assert_eq!(rules(&s), ["low-error-correction"]);
        for ecc in [Ecc::M, Ecc::Q, Ecc::H] {
            assert!(
                rules(&Symbol {
                    ecc: Some(ecc),
                    ..symbol()
                })
                .is_empty()
            );
        }
    }

    #[test]
    fn small_modules_use_the_configured_threshold() {
        let s = Symbol {
            module_px: 3.0,
            ..symbol()
        };
        assert_eq!(rules(&s), ["small-modules"]);
        let relaxed = QualityOptions {
            min_module_px: 2.5,
            ..QualityOptions::default()
        };
        assert!(audit_symbol(&s, &relaxed, false).is_empty());
        // Exactly at the threshold is fine.
        let at = Symbol {
            module_px: 4.0,
            ..symbol()
        };
        assert!(rules(&at).is_empty());
    }

    #[test]
    fn quiet_zone_under_four_modules_is_missing() {
        let s = Symbol {
            quiet_zone_modules: Some(1.5),
            ..symbol()
        };
        let findings = audit_symbol(&s, &QualityOptions::default(), false);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, "missing-quiet-zone");
        assert!(findings[0].message.contains("1.5 modules"), "{findings:?}");
        assert!(findings[0].fix.as_deref().unwrap().contains("4 modules"));
        // Unmeasured is not reported.
        assert!(
            rules(&Symbol {
                quiet_zone_modules: None,
                ..symbol()
            })
            .is_empty()
        );
    }

    #[test]
    fn heavy_pass_only_is_fragile() {
        let s = Symbol {
            fragile: true,
            erasures: None,
            pass: "binarized",
            ..symbol()
        };
        let findings = audit_symbol(&s, &QualityOptions::default(), false);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, "fragile-code");
        assert_eq!(findings[0].severity, crate::audit::Severity::Low);
        assert!(findings[0].message.contains("binarized"));
    }

    /// A code read only with erasures says so, with the count, not "heavy pass" (the pass that
    /// sampled it may be the plain first one).
    #[test]
    fn a_code_read_with_erasures_is_fragile_and_says_why() {
        let s = Symbol {
            fragile: true,
            erasures: Some(7),
            pass: "rxing",
            ..symbol()
        };
        let findings = audit_symbol(&s, &QualityOptions::default(), false);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, "fragile-code");
        assert!(findings[0].message.contains("7 codewords"), "{findings:?}");
        assert!(findings[0].message.contains("erasures"), "{findings:?}");
        assert!(!findings[0].message.contains("heavy"), "{findings:?}");
        // Re-read from the grey levels, decoded without erasures.
        let s = Symbol {
            erasures: Some(0),
            ..s
        };
        let findings = audit_symbol(&s, &QualityOptions::default(), false);
        assert!(findings[0].message.contains("re-reading"), "{findings:?}");
        assert!(!findings[0].message.contains("erasures"), "{findings:?}");
    }

    #[test]
    fn unreadable_symbols_get_only_unreadable_code() {
        let s = Symbol {
            text: None,
            ecc: Some(Ecc::L),
            module_px: 1.0,
            ..symbol()
        };
        assert_eq!(rules(&s), vec!["unreadable-code"]);
    }
}
