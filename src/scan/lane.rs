//! The thread a worker's images are loaded and decoded on, kept from one image to the next.
//!
//! An image is decoded on a thread other than the worker's so that the worker can stop waiting
//! at the image's budget (`budget.rs`). That thread used to be a new one per image, and on the
//! small images of a folder scan its start cost more than a tenth of the decoding: glibc hands
//! a finished thread's stack back with `MADV_DONTNEED`, so the next thread faulted its stack in
//! page by page and began with an empty malloc cache; worse, the previous image's thread was
//! still freeing its buffers under the malloc arena's lock when the next one started, and on a
//! machine with no core to spare the next thread waited for it: 1 to 4 ms stalls in about one
//! decode of ten, on a 0.3 ms decode (the decode thread's CPU time against its wall time, 30
//! decodes of one 1.4 kB PNG at `--jobs 1`). So each worker keeps one decode thread, its lane,
//! and hands it one image after another. A lane whose image overran its budget is abandoned
//! (`abandon`): it finishes that image alone, as a per-image thread did, and ends; the worker
//! starts a new lane for its next image. A lane ends when its worker thread ends (the worker's
//! thread-local sender is dropped and the queue closes: the scan's worker pool, a server's
//! request thread), an idle lane only waits on its queue, and a lane whose thread died (a panic
//! outside the decode's own isolation) is replaced at the next image.

use std::cell::RefCell;
use std::sync::mpsc;

/// One image's load and decode, with the sending of its result.
pub(super) type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// The queue of this worker's lane, once it has decoded an image.
    static LANE: RefCell<Option<mpsc::Sender<Job>>> = const { RefCell::new(None) };
}

/// Runs `job` on this worker's lane, starting the lane's thread when there is none (or the one
/// there was has ended). Errs only when no thread can be started.
pub(super) fn run(job: Job) -> std::io::Result<()> {
    LANE.with(|lane| {
        let mut lane = lane.borrow_mut();
        let job = match lane.as_ref() {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => return Ok(()),
                // The thread has ended: the job comes back, and goes to a new lane.
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        *lane = None;
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("qraudit-decode".to_string())
            .spawn(move || {
                // Ends when the worker drops or abandons its lane (the queue closes).
                while let Ok(job) = queue.recv() {
                    job();
                }
            })?;
        // The thread ends only once `jobs` is gone or a job has panicked, so this cannot fail.
        jobs.send(job)
            .map_err(|_| std::io::Error::other("the new decode thread ended at once"))?;
        *lane = Some(jobs);
        Ok(())
    })
}

/// Leaves this worker's lane to the image it is on (one that overran its budget, or whose
/// thread ended without a result): the next image starts a new lane.
pub(super) fn abandon() {
    LANE.with(|lane| lane.borrow_mut().take());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::sync_channel;
    use std::time::Duration;

    fn thread_id_of_a_job() -> std::thread::ThreadId {
        let (sender, receiver) = sync_channel(1);
        run(Box::new(move || {
            let _ = sender.send(std::thread::current().id());
        }))
        .expect("a lane starts");
        receiver
            .recv_timeout(Duration::from_secs(10))
            .expect("the job ran")
    }

    #[test]
    fn a_workers_images_run_on_one_thread_of_its_own() {
        let first = thread_id_of_a_job();
        assert_ne!(first, std::thread::current().id());
        assert_eq!(thread_id_of_a_job(), first);
        assert_eq!(thread_id_of_a_job(), first);
        // Another worker has a lane of its own.
        let other = std::thread::spawn(thread_id_of_a_job)
            .join()
            .expect("the other worker");
        assert_ne!(other, first);
    }

    #[test]
    fn an_abandoned_lane_is_left_to_its_image_and_a_new_one_takes_the_next() {
        let first = thread_id_of_a_job();
        // An image still running when the worker stops waiting for it.
        let (release, hold) = sync_channel::<()>(0);
        let (done, finished) = sync_channel(1);
        run(Box::new(move || {
            let _ = hold.recv_timeout(Duration::from_secs(10));
            let _ = done.send(std::thread::current().id());
        }))
        .expect("queued");
        abandon();
        let next = thread_id_of_a_job();
        assert_ne!(
            next, first,
            "the next image waited behind the abandoned one"
        );
        release
            .send(())
            .expect("the abandoned image is still running");
        assert_eq!(
            finished.recv_timeout(Duration::from_secs(10)),
            Ok(first),
            "the abandoned image finished on its own thread"
        );
    }

    #[test]
    fn a_lane_whose_thread_died_is_replaced() {
        let first = thread_id_of_a_job();
        // A panic that escapes a job ends the lane's thread.
        run(Box::new(|| panic!("escaped the decode's isolation"))).expect("queued");
        // Its queue closes when the thread has unwound; until then a job may still be queued
        // to the dying lane and lost, which the worker sees as a closed result channel (and
        // abandons the lane, as budget.rs does).
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let replaced = loop {
            let (sender, receiver) = sync_channel(1);
            run(Box::new(move || {
                let _ = sender.send(std::thread::current().id());
            }))
            .expect("a lane starts");
            match receiver.recv_timeout(Duration::from_secs(10)) {
                Ok(id) => break id,
                Err(_) if std::time::Instant::now() < deadline => abandon(),
                Err(error) => panic!("no lane ran the job: {error}"),
            }
        };
        assert_ne!(replaced, first);
    }
}
