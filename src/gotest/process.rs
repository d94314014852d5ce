//! Running what `handbook test` builds: each command in a process group of
//! its own, so a timeout or a signal kills everything an example started
//! (a server it spawned, `go test`'s test binary), with only the environment
//! Go needs (never the CI's tokens), and the scratch folders removed however
//! the run ends.

use std::collections::HashSet;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The process groups and scratch folders of a run in progress.
#[derive(Debug, Default)]
pub struct Running {
    groups: Mutex<HashSet<u32>>,
    folders: Mutex<Vec<PathBuf>>,
}

impl Running {
    /// Kill every process group still running and remove the scratch
    /// folders (from a signal handler: the run is abandoned).
    pub fn stop(&self) {
        if let Ok(groups) = self.groups.lock() {
            for &g in groups.iter() {
                kill_group(g);
            }
        }
        if let Ok(folders) = self.folders.lock() {
            for f in folders.iter() {
                let _ = std::fs::remove_dir_all(f);
            }
        }
    }

    /// A scratch folder of this run, removed by [`Running::stop`].
    pub(super) fn add_folder(&self, dir: &Path) {
        if let Ok(mut f) = self.folders.lock() {
            f.push(dir.to_path_buf());
        }
    }
}

fn kill_group(group: u32) {
    if let Some(pid) = rustix::process::Pid::from_raw(group as i32) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// Variables an example program may see: enough to run, nothing secret.
const PROGRAM_ENV: &[&str] = &["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ", "USER"];

/// The environment of `go build`, `go vet` and `go test`: the program's,
/// and Go's own settings (`GO*`, `CGO_*`, the C compiler for cgo).
pub(super) fn go_environment(cmd: &mut Command) {
    cmd.env_clear();
    for (k, v) in std::env::vars_os() {
        let name = k.to_string_lossy();
        if PROGRAM_ENV.contains(&name.as_ref())
            || name.starts_with("GO")
            || name.starts_with("CGO_")
            || matches!(
                name.as_ref(),
                "CC" | "CXX" | "PKG_CONFIG_PATH" | "XDG_CACHE_HOME"
            )
        {
            cmd.env(k, v);
        }
    }
}

/// The environment of an example program.
pub(super) fn program_environment(cmd: &mut Command) {
    cmd.env_clear();
    for name in PROGRAM_ENV {
        if let Some(v) = std::env::var_os(name) {
            cmd.env(name, v);
        }
    }
}

/// Run `cmd` with a timeout in a process group of its own, which is killed
/// whole when the command ends or times out; (exit success, stdout, stderr,
/// timed out). Output is read up to 1 MiB a stream.
pub(super) fn run(
    mut cmd: Command,
    timeout: Duration,
    running: &Running,
) -> std::io::Result<(bool, String, String, bool)> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let group = child.id();
    if let Ok(mut g) = running.groups.lock() {
        g.insert(group);
    }
    let (mut out, mut err) = (child.stdout.take(), child.stderr.take());
    let reader = std::thread::spawn(move || {
        let mut o = String::new();
        let mut e = String::new();
        if let Some(s) = out.as_mut() {
            let _ = s.take(1 << 20).read_to_string(&mut o);
        }
        if let Some(s) = err.as_mut() {
            let _ = s.take(1 << 20).read_to_string(&mut e);
        }
        (o, e)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break Some(s);
        }
        if start.elapsed() > timeout {
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // Whatever the example started goes with it (and the pipes close, so
    // the reader ends even when a grandchild held them).
    kill_group(group);
    let _ = child.wait();
    if let Ok(mut g) = running.groups.lock() {
        g.remove(&group);
    }
    let (o, e) = reader.join().unwrap_or_default();
    Ok((status.is_some_and(|s| s.success()), o, e, status.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_kills_what_the_command_started() {
        let running = Running::default();
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("sleep 30 & echo $! > {}; wait", pidfile.display()));
        let started = Instant::now();
        let (_, _, _, timed_out) = run(cmd, Duration::from_millis(300), &running).unwrap();
        assert!(timed_out);
        assert!(started.elapsed() < Duration::from_secs(10));
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        // SIGKILL is delivered at once but a loaded machine may take a moment
        // to end the process (a zombie, not reaped by init, counts as gone).
        let alive = || {
            Path::new(&format!("/proc/{}", pid.trim())).exists()
                && !std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                    .unwrap_or_default()
                    .contains(") Z ")
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(), "the background sleep {pid} survived");
        assert!(running.groups.lock().unwrap().is_empty());
    }

    #[test]
    fn programs_see_no_secrets() {
        // The variable is set on the command, as a CI runner sets a token.
        let mut cmd = Command::new("env");
        cmd.env("CI_JOB_TOKEN", "secret");
        program_environment(&mut cmd);
        let (ok, out, _, _) = run(cmd, Duration::from_secs(10), &Running::default()).unwrap();
        assert!(ok);
        assert!(!out.contains("secret"), "{out}");
        for line in out.lines() {
            let name = line.split('=').next().unwrap_or("");
            assert!(PROGRAM_ENV.contains(&name), "{line}");
        }
    }
}
