//! What this machine has: processors and memory, to keep runs within them.

/// The processors this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Memory available to new work, in bytes (`MemAvailable` of `/proc/meminfo`); `None` where
/// that cannot be read.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Bytes as a person reads them: `850 MB`, `52 GB`.
pub fn bytes(n: u64) -> String {
    const MB: u64 = 1_000_000;
    if n >= 10_000 * MB {
        format!("{} GB", (n + 500 * MB) / (1000 * MB))
    } else if n >= 1000 * MB {
        format!("{:.1} GB", n as f64 / 1e9)
    } else {
        format!("{} MB", (n + MB / 2) / MB)
    }
}
