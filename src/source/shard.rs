//! `--shard I/N`: which inputs one of N machines scans.

use sha2::Digest;
use thiserror::Error;

/// `--shard I/N`: the inputs whose path hashes to I (1-based) modulo N. The hash is SHA-256 of
/// the path as displayed, so every machine running the same command on the same checkout
/// agrees on the split, and the N shards are disjoint and cover everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub fn includes(self, path: &str) -> bool {
        let digest = sha2::Sha256::digest(path.as_bytes());
        let mut head = [0u8; 8];
        head.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(head) % self.count == self.index - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A `--shard` value that is not I/N with 1 <= I <= N.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{0}' is not I/N with 1 <= I <= N (e.g. 2/8)")]
pub struct BadShard(String);

impl std::str::FromStr for Shard {
    type Err = BadShard;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let usage = || BadShard(s.to_string());
        let (index, count) = s.split_once('/').ok_or_else(usage)?;
        let index: u64 = index.trim().parse().map_err(|_| usage())?;
        let count: u64 = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_disjoint_and_cover_every_path() {
        let paths: Vec<String> = (0..200).map(|i| format!("dir/{i}.png")).collect();
        let shards: Vec<Shard> = (1..=3).map(|i| format!("{i}/3").parse().unwrap()).collect();
        for path in &paths {
            assert_eq!(
                shards.iter().filter(|s| s.includes(path)).count(),
                1,
                "{path}"
            );
        }
        assert!(shards.iter().all(|s| paths.iter().any(|p| s.includes(p))));
    }

    #[test]
    fn only_i_of_n_is_a_shard() {
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", ""] {
            assert_eq!(
                bad.parse::<Shard>().unwrap_err().to_string(),
                format!("'{bad}' is not I/N with 1 <= I <= N (e.g. 2/8)")
            );
        }
        assert_eq!("2/8".parse::<Shard>().unwrap().to_string(), "2/8");
    }
}
