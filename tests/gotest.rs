//! `handbook test`: Go examples are built and run, their output checked.
//! Needs Go on PATH (scripts/test.sh installs it and sets HANDBOOK_REQUIRE_GO).

mod common;

use common::*;

fn have_go() -> bool {
    let have = std::process::Command::new("go")
        .arg("version")
        .output()
        .is_ok();
    if !have && std::env::var_os("HANDBOOK_REQUIRE_GO").is_some() {
        panic!("go is not on PATH but HANDBOOK_REQUIRE_GO is set");
    }
    have
}

const PAGE: &str = r#"# Examples

```go
package main

import "fmt"

func main() {
	fmt.Println("hello")
	// Output: hello
}
```

```go
package main

import "fmt"

func main() {
	fmt.Println("actual")
	// Output:
	// expected
}
```

```go
package main

func main() {
	undefinedThing()
}
```

```go
package main

func main() {
	panic("boom")
}
```

```go
package main

import "time"

func main() {
	time.Sleep(time.Minute)
}
```

```go test
package snippet

import "testing"

func TestAdd(t *testing.T) {
	if 1+1 != 2 {
		t.Fatal("math")
	}
}

func BenchmarkAdd(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = i + 1
	}
}
```

```go bad compile_fail
package main

func main() { var unused int }
```

```go bad compile_fail
package main

func main() {}
```

```go bad vet_fail
package main

import "fmt"

func main() { fmt.Printf("%d\n", "not a number") }
```

```go
package main

import "golang.org/x/sync/errgroup"

func main() { var g errgroup.Group; _ = g.Wait() }
```
"#;

#[test]
fn examples_pass_fail_mismatch_time_out_and_panic_at_their_lines() {
    if !have_go() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "book.toml", "[book]\ntitle = \"T\"\n");
    write(d.path(), "content/examples.md", PAGE);
    let out = handbook(d.path(), &["test", "--timeout", "3", "--format", "json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, u64)> = v
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("go-output".to_string(), 21),
            ("go-build".to_string(), 30),
            ("go-run".to_string(), 35),
            ("go-timeout".to_string(), 43),
            ("go-expect-fail".to_string(), 77),
        ],
        "{v:#?}"
    );
    let mismatch = v[0]["message"].as_str().unwrap();
    assert!(
        mismatch.contains("-expected") && mismatch.contains("+actual"),
        "{mismatch}"
    );
    assert!(v[2]["message"].as_str().unwrap().contains("boom"));
    assert!(err.contains("note: skipped content/examples.md:"), "{err}");
    assert!(err.contains("golang.org/x/sync/errgroup"), "{err}");
    assert!(err.contains("9 Go examples run"), "{err}");
    // Passing blocks are cached: a second run answers them at once.
    let out = handbook(d.path(), &["test", "--timeout", "3"]);
    assert!(
        stderr(&out).contains("(4 from the cache)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_bundled_examples_run_and_print_what_they_say() {
    if !have_go() {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = handbook(root, &["test", "--root", root.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{err}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(err.contains("4 Go examples run"), "{err}");
}

#[test]
fn blocks_with_module_imports_build_inside_the_configured_module() {
    if !have_go() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let page = "# Greeting\n\n```go\npackage main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/greet\"\n)\n\nfunc main() {\n\tfmt.Println(greet.Hello(\"team\"))\n\t// Output: hello, team\n}\n```\n\n```go\npackage main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/greet\"\n)\n\nfunc main() {\n\tfmt.Println(greet.Hello(\"x\"))\n\t// Output: bye\n}\n```\n";
    write(d.path(), "content/greet.md", page);
    // The module resolves example.com/greet offline, through a replace.
    write(
        d.path(),
        "go/app/go.mod",
        "module example.com/app\n\ngo 1.22\n\nrequire example.com/greet v0.0.0\n\nreplace example.com/greet => ../greet\n",
    );
    write(
        d.path(),
        "go/greet/go.mod",
        "module example.com/greet\n\ngo 1.22\n",
    );
    write(
        d.path(),
        "go/greet/greet.go",
        "package greet\n\nfunc Hello(who string) string { return \"hello, \" + who }\n",
    );
    // Without a module: skipped with a note saying how to build it.
    write(d.path(), "book.toml", "[book]\ntitle = \"T\"\n");
    let out = handbook(d.path(), &["test", "--timeout", "5"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("example.com/greet") && err.contains("[go] module"),
        "{err}"
    );
    assert!(err.contains("0 Go examples run"), "{err}");
    // With it: both run, the second's output is wrong.
    write(
        d.path(),
        "book.toml",
        "[book]\ntitle = \"T\"\n\n[go]\nmodule = \"go/app/go.mod\"\n",
    );
    let out = handbook(d.path(), &["test", "--timeout", "5", "--format", "json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0]["code"], "go-output");
    assert_eq!(v[0]["line"], 29);
    assert!(err.contains("2 Go examples run"), "{err}");
    // Nothing is left inside the module.
    let left: Vec<_> = std::fs::read_dir(d.path().join("go/app"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(left, ["go.mod"]);
    // A wrong path is an error naming book.toml.
    write(
        d.path(),
        "book.toml",
        "[book]\ntitle = \"T\"\n\n[go]\nmodule = \"go/missing/go.mod\"\n",
    );
    let out = handbook(d.path(), &["test"]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("book.toml:5:1") && err.contains("no go.mod at"),
        "{err}"
    );
}

/// A signal stops `handbook test` at once: the running example, and what it
/// started, are killed; the scratch folder is removed; the exit code is 130.
/// Examples see no variable Go does not need (a CI token stays hidden).
#[test]
fn a_signal_stops_the_examples_and_cleans_up() {
    if !have_go() {
        return;
    }
    let d = fixture("basic");
    let marker = d.path().join("started");
    write(
        d.path(),
        "content/guide/forever.md",
        &format!(
            r#"# Forever

```go
package main

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

func main() {{
	fmt.Println("token:", os.Getenv("CI_JOB_TOKEN"))
	exec.Command("sleep", "300").Start()
	os.WriteFile("{}", []byte(fmt.Sprint(os.Getpid())), 0o644)
	time.Sleep(300 * time.Second)
}}
```
"#,
            marker.display()
        ),
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["test", "--timeout", "600"])
        .current_dir(d.path())
        .env("CI_JOB_TOKEN", "secret-token")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !marker.exists() {
        assert!(start.elapsed().as_secs() < 240, "the example never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let pid = std::fs::read_to_string(&marker).unwrap();
    let scratch = std::env::temp_dir().join(format!("_handbook-test-{}", child.id()));
    assert!(scratch.exists(), "{}", scratch.display());
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(child.id() as i32).unwrap(),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    let stopped = std::time::Instant::now();
    let status = child.wait().unwrap();
    assert!(stopped.elapsed().as_secs() < 10, "{:?}", stopped.elapsed());
    assert_eq!(status.code(), Some(130));
    assert!(
        !scratch.exists(),
        "scratch folder left: {}",
        scratch.display()
    );
    // Killed at once; a loaded machine may take a moment to end it.
    let running = || {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
        !stat.is_empty() && !stat.contains(") Z ")
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while running() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!running(), "example {pid} still running");
}
