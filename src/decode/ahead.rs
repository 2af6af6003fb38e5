//! Running a pass ahead of its turn on a core no other decode is using.
//!
//! The passes over an image run one after another, each deciding from what the passes before
//! it left whether it runs at all (`plan`, `leftovers`). Most passes after the first find
//! nothing new, so while one pass runs, the passes the plan would run next if this one changes
//! nothing (a `Chain`) can be worked down on another core, in order; the decoding thread, when
//! it reaches a pass the other core is still on, takes the chain's next passes itself meanwhile
//! (`Chain::claim`), so that neither core waits for the other. A result is taken only when the
//! sequence gets there and runs that very pass on the same image with the same codes known
//! (the one input a pass takes from the passes before it, see `Known`); otherwise it is
//! dropped and the pass runs in its turn as before. So what a decode returns is, to the byte,
//! what the sequence alone returns (`examples/decode_corpus --versus-run-ahead` checks that on
//! every image of the corpus, tests/decode_run_ahead.rs on generated ones): only the wall time
//! changes. What to run ahead and the check at its turn are in mod.rs (`Sequence`: never beside
//! the whole image's first pass, after which most images are done); a chain also shares the
//! crops an image is finished on, which start from nothing (`Sequence::run_on_crops`). This
//! module owns the cores and the chain.
//!
//! Cores. A process-wide count of the threads decoding: one per `decode` call (`Busy::decoding`)
//! and one per chain running. A chain starts only while that count is below the
//! machine's cores (`std::thread::available_parallelism`, which follows a container's CPU
//! quota). With `--jobs` at the core count every core decodes an image of its own and nothing
//! runs ahead, so a folder scan is not oversubscribed; one screenshot at the helpdesk, a
//! `--jobs 1` run, or the tail of a folder scan uses the idle cores. Chains run on a thread pool
//! of this module's own (started once per process rather than a thread per chain; its own, so
//! that no decode ever waits for work queued behind itself on a pool it occupies). A chain
//! whose results are no longer wanted is told so (`abandon`, checked where the engines check
//! `cancel`) and nobody waits for it; its core counts as busy until it has stopped.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};

use super::isolate::isolated;

/// Whether a decode may run passes ahead on other cores (`DecodeOptions::run_ahead`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunAhead {
    /// When a core is idle (see the module comment): the default.
    #[default]
    IdleCores,
    /// Never: one thread per decode.
    Never,
    /// Whatever the other decodes, and the other core computes every pass of a chain and every
    /// crop (the decoding thread waits for it instead of taking them itself): for tests, which
    /// must see work done on the other core however busy the machine running them is.
    Always,
}

/// Threads decoding now, process-wide: decodes and the passes they run ahead.
static DECODING: AtomicUsize = AtomicUsize::new(0);

fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A job for the pool.
type Job = Box<dyn FnOnce() + Send>;

/// The threads that run chains: one fewer than the cores (the decoding thread is the other),
/// named for a debugger's thread list. They block on the queue between jobs rather than spin
/// for work as rayon's do: a spinning thread takes time from the decoding threads of a machine
/// whose cores are all in use. `None` when no thread could be started.
fn pool() -> Option<&'static Mutex<mpsc::Sender<Job>>> {
    static POOL: OnceLock<Option<Mutex<mpsc::Sender<Job>>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let mut started = 0;
        for i in 0..cores().saturating_sub(1).max(1) {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("qraudit-ahead-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job, not while
                        // running it; a poisoned lock or a closed queue ends the thread.
                        let job = match receiver.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            started += usize::from(spawned.is_ok());
        }
        (started > 0).then(|| Mutex::new(sender))
    })
    .as_ref()
}

/// Queues `job` on the pool; false when there is no pool.
fn spawn(job: Job) -> bool {
    pool()
        .and_then(|queue| queue.lock().ok().map(|queue| queue.send(job).is_ok()))
        .unwrap_or(false)
}

/// A thread counted as decoding for as long as this lives.
pub(super) struct Busy(());

impl Busy {
    /// The calling thread, decoding an image.
    pub(super) fn decoding() -> Busy {
        DECODING.fetch_add(1, Ordering::SeqCst);
        Busy(())
    }

    /// One more thread, when `policy` lets one run and a core is idle.
    pub(super) fn spare(policy: RunAhead) -> Option<Busy> {
        match policy {
            RunAhead::Never => None,
            RunAhead::Always => Some(Busy::decoding()),
            RunAhead::IdleCores => DECODING
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (n < cores()).then_some(n + 1)
                })
                .ok()
                .map(|_| Busy(())),
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        DECODING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A chain of tasks worked down, in order, on a spare core, each of which the decoding thread
/// may take instead (`claim`): the passes the sequence would run next if the running one
/// changed nothing. The spare core skips what the decoding thread took and goes on to the next.
pub(super) struct Chain<T> {
    claims: Arc<[AtomicBool]>,
    abandon: Arc<AtomicBool>,
    receiver: mpsc::Receiver<(usize, Result<T, String>)>,
    /// Results received and not yet taken, by task (`None` inside: the task panicked).
    arrived: Vec<(usize, Option<T>)>,
}

impl<T: Send + 'static> Chain<T> {
    /// Starts working down `tasks` tasks on the pool, holding `busy` until done: `work(t,
    /// abandon)` computes task `t`, `abandon` telling it the result is no longer wanted. A
    /// panic in a task is caught (its result is missing; the pass then runs in its turn, where
    /// the panic is recorded as usual). `None` when the pool could not be started.
    pub(super) fn start(
        busy: Busy,
        tasks: usize,
        mut work: impl FnMut(usize, &AtomicBool) -> T + Send + 'static,
    ) -> Option<Chain<T>> {
        let claims: Arc<[AtomicBool]> = (0..tasks).map(|_| AtomicBool::new(false)).collect();
        let abandon = Arc::new(AtomicBool::new(false));
        let (sender, receiver) = mpsc::channel();
        let (job_claims, flag) = (Arc::clone(&claims), Arc::clone(&abandon));
        let queued = spawn(Box::new(move || {
            let _busy = busy;
            for (task, claim) in job_claims.iter().enumerate() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if claim.swap(true, Ordering::SeqCst) {
                    continue;
                }
                // Nobody may be waiting any more: a failed send only means the chain was dropped.
                if sender.send((task, isolated(|| work(task, &flag)))).is_err() {
                    break;
                }
            }
        }));
        if !queued {
            return None;
        }
        Some(Chain {
            claims,
            abandon,
            receiver,
            arrived: Vec::new(),
        })
    }

    /// Takes task `t` for the calling thread: false when the spare core has it already.
    pub(super) fn claim(&self, t: usize) -> bool {
        self.claims
            .get(t)
            .is_some_and(|claim| !claim.swap(true, Ordering::SeqCst))
    }

    /// Whether task `t` was taken, by either side.
    pub(super) fn claimed(&self, t: usize) -> bool {
        self.claims
            .get(t)
            .is_some_and(|claim| claim.load(Ordering::SeqCst))
    }

    /// Whether task `t`'s result has arrived (it is kept for `take`).
    pub(super) fn arrived(&mut self, t: usize) -> bool {
        while let Ok((task, result)) = self.receiver.try_recv() {
            self.arrived.push((task, result.ok()));
        }
        self.arrived.iter().any(|(task, _)| *task == t)
    }

    /// Task `t`'s result, which the spare core has: until it arrives, the calling thread takes
    /// the tasks after `t` that nobody has started and hands each to `work_here`, so that it
    /// does not sit idle; then as `take`.
    pub(super) fn take_working(
        &mut self,
        t: usize,
        cancel: &AtomicBool,
        mut work_here: impl FnMut(usize),
    ) -> Option<T> {
        let mut next = t + 1;
        while next < self.claims.len() && !self.arrived(t) {
            if self.claim(next) {
                work_here(next);
            }
            next += 1;
        }
        self.take(t, cancel)
    }

    /// Task `t`'s result, waiting for it; `None` when it panicked, the spare core gave up, or
    /// `cancel` was set meanwhile (the decode's time budget ran out: the chain is told to stop).
    /// Only for a task the spare core claimed.
    pub(super) fn take(&mut self, t: usize, cancel: &AtomicBool) -> Option<T> {
        loop {
            if let Some(at) = self.arrived.iter().position(|(task, _)| *task == t) {
                return self.arrived.swap_remove(at).1;
            }
            if cancel.load(Ordering::Relaxed) {
                self.abandon.store(true, Ordering::Relaxed);
                return None;
            }
            // A result wakes the wait at once; the timeout is only for seeing `cancel`.
            match self
                .receiver
                .recv_timeout(std::time::Duration::from_millis(10))
            {
                Ok((task, result)) => self.arrived.push((task, result.ok())),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

impl<T> Drop for Chain<T> {
    /// Dropped with tasks left: their results are not wanted.
    fn drop(&mut self) {
        self.abandon.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_skips_what_was_claimed_and_a_panic_becomes_none() {
        let busy = Busy::spare(RunAhead::Always).expect("always");
        let mut chain = Chain::start(busy, 4, |t, _| {
            if t == 2 {
                panic!("in task 2");
            }
            t * 10
        })
        .expect("a pool");
        // Whichever side gets task 3 first: the chain's result, or this thread's claim.
        let go_on = AtomicBool::new(false);
        let three = if chain.claim(3) {
            Some(30)
        } else {
            chain.take(3, &go_on)
        };
        assert_eq!(three, Some(30));
        for t in 0..3 {
            if !chain.claim(t) {
                assert_eq!(
                    chain.take(t, &go_on),
                    (t != 2).then_some(t * 10),
                    "task {t}"
                );
            }
        }
        assert!(!chain.claim(4), "no such task");
    }

    #[test]
    fn dropping_the_chain_tells_it_to_stop() {
        let busy = Busy::spare(RunAhead::Always).expect("always");
        let (started, is_started) = mpsc::channel();
        let (stopped, is_stopped) = mpsc::channel();
        let chain: Chain<()> = Chain::start(busy, 1, move |_, abandon| {
            let _ = started.send(());
            // Bounded: the test fails instead of hanging if the flag never comes.
            for _ in 0..10_000 {
                if abandon.load(Ordering::Relaxed) {
                    let _ = stopped.send(true);
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            let _ = stopped.send(false);
        })
        .expect("a pool");
        is_started.recv().expect("the task started");
        drop(chain);
        assert_eq!(is_stopped.recv(), Ok(true));
    }
}
