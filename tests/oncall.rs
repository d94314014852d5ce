//! On-call: alerts lead to runbooks by stable URLs, and `check` holds the
//! Prometheus rules and the runbooks to each other.

mod common;

use common::*;

#[test]
fn every_alert_gets_a_stable_page_an_index_and_json() {
    let d = fixture("oncall");
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let p = d.path().join("public");
    // The mapped alert leads to its section; the others to the runbook.
    let lag = read(&p, "alerts/KafkaLagHigh.html");
    assert!(
        lag.contains("url=../runbooks/kafka.html#consumer-lag"),
        "{lag}"
    );
    assert!(read(&p, "alerts/DBPoolSaturated.html").contains("url=../runbooks/db.html\""));
    let index = read(&p, "alerts/index.html");
    for want in [
        "KafkaLagHigh",
        "KafkaStalled",
        "DBPoolSaturated",
        "team-streams",
        "team-data",
        "SEV3",
        "data-sortable",
    ] {
        assert!(index.contains(want), "{want} missing from the alerts index");
    }
    let json: serde_json::Value = serde_json::from_str(&read(&p, "alerts.json")).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let lag = rows.iter().find(|r| r["alert"] == "KafkaLagHigh").unwrap();
    assert_eq!(
        lag["runbook"],
        "https://handbook.example.internal/ops/runbooks/kafka.html#consumer-lag"
    );
    assert_eq!(lag["owner"], "team-streams");
    assert_eq!(lag["severity"], "SEV2");
}

#[test]
fn check_holds_rules_and_runbooks_to_each_other() {
    let d = fixture("oncall");
    let out = handbook(d.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("note: 3 of 5 alerts have a runbook"),
        "{}",
        stderr(&out)
    );
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, String, u64)> = v
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    let want = [
        ("alert-no-runbook", "rules/app.yml", 16),
        ("alert-no-runbook", "rules/k8s.yml", 24),
        ("alert-runbook-url", "rules/app.yml", 10),
        ("alert-severity", "rules/app.yml", 10),
        ("stale-alert", "content/runbooks/kafka.md", 6),
    ];
    let want: Vec<(String, String, u64)> = want
        .iter()
        .map(|(c, f, l)| (c.to_string(), f.to_string(), *l))
        .collect();
    assert_eq!(got, want);
    // The same findings reach GitHub annotations.
    let out = handbook(d.path(), &["check", "--format", "github"]);
    let gh = String::from_utf8_lossy(&out.stdout);
    assert!(
        gh.contains("::error file=rules/app.yml,line=16,col=1,title=alert-no-runbook::"),
        "{gh}"
    );
}

#[test]
fn alert_mistakes_in_runbooks_and_rule_files_are_located() {
    let d = fixture("oncall");
    // Two runbooks claim one alert; a mapped section that does not exist.
    let db = read(d.path(), "content/runbooks/db.md");
    write(
        d.path(),
        "content/runbooks/db.md",
        &db.replace(
            "alerts = [\"DBPoolSaturated\"]",
            "alerts = [\"KafkaStalled\", { name = \"DBPoolSaturated\", section = \"nope\" }]",
        ),
    );
    let out = build(d.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/runbooks/kafka.md:6:1: error[alert]: alert `KafkaStalled` is claimed by this runbook and by content/runbooks/db.md:6"), "{err}");
    assert!(
        err.contains("error[alert]: alert `DBPoolSaturated` leads to section `nope`"),
        "{err}"
    );
    // Bad YAML names its file and line; a pattern that matches nothing is an error.
    let d = fixture("oncall");
    write(
        d.path(),
        "rules/broken.yml",
        "groups:\n  - name: x\n    rules: [\n",
    );
    let out = handbook(d.path(), &["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("rules/broken.yml:4:"), "{text}");
    assert!(text.contains("error[alert-rules]: invalid YAML"), "{text}");
    let out = handbook(d.path(), &["check", "--alert-rules", "nowhere/*.yml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("`nowhere/*.yml` matches no file"), "{text}");
}

#[test]
fn review_reports_list_what_is_due_sorted_in_three_formats() {
    let d = fixture("oncall");
    // The fixture's runbooks were reviewed 2026-02-01 (due 2026-07-31); the
    // build date is 2026-03-01: due within 180 days, not within 30.
    let run = |args: &[&str]| {
        let mut all = vec!["report", "reviews"];
        all.extend_from_slice(args);
        let out = handbook(d.path(), &all);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        run(&["--within", "30d"]),
        "No runbook reviews are due in the next 30 days.\n"
    );
    let md = run(&["--within", "180d"]);
    assert!(md.contains("| 2026-07-31 | [Database pool](https://handbook.example.internal/ops/runbooks/db.html) | team-data | SEV3 |"), "{md}");
    let db = md.find("Database pool").unwrap();
    let kafka = md.find("Kafka consumer lag").unwrap();
    assert!(db < kafka, "same due date: by file name");
    let json: Vec<serde_json::Value> =
        serde_json::from_str(&run(&["--within", "180d", "--format", "json"])).unwrap();
    assert_eq!(json.len(), 2);
    assert_eq!(json[0]["overdue"], false);
    let csv = run(&["--within", "26w", "--format", "csv"]);
    assert!(csv.starts_with("due,overdue,title,owner,severity,url,file\n2026-07-31,false,Database pool,team-data,SEV3,"), "{csv}");
    let out = handbook(d.path(), &["report", "reviews", "--within", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn owners_page_and_terminal_sessions() {
    let d = fixture("oncall");
    write(
        d.path(),
        "content/runbooks/kafka.md",
        &(read(d.path(), "content/runbooks/kafka.md")
            + "\n```console\n$ kubectl -n <namespace> get pods\nNAME   READY\napi    1/1\n```\n"),
    );
    let out = build(d.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let p = d.path().join("public");
    let owners = read(&p, "owners.html");
    assert!(
        owners.contains("<h2 id=\"team-data\">team-data</h2>"),
        "{owners}"
    );
    assert!(owners.contains("<a href=\"runbooks/db.html\">Database pool</a> <span class=\"muted\">review due 2026-07-31</span>"), "{owners}");
    let kafka = read(&p, "runbooks/kafka.html");
    assert!(kafka.contains("<span class=\"prompt\" aria-hidden=\"true\">$ </span><span class=\"cmd\">kubectl -n <span class=\"ph\">&lt;namespace&gt;</span> get pods</span>"), "{kafka}");
    assert!(
        kafka.contains("<span class=\"out\">NAME   READY</span>"),
        "{kafka}"
    );
}

/// Alert names that are not strings, flow-style rules, a file that is not a
/// rule file, and a `**` over a link loop: each a finding at its place, and
/// every alert counted once.
#[test]
fn odd_rule_files_are_findings_and_alerts_count_once() {
    let check = |d: &std::path::Path, args: &[&str]| {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        let out = handbook(d, &all);
        String::from_utf8_lossy(&out.stdout).into_owned() + &stderr(&out)
    };
    for (i, body) in [
        "alert: 12345",
        "alert: [a, b]",
        "alert: !!python/name:os.system x",
    ]
    .iter()
    .enumerate()
    {
        let d = fixture("oncall");
        write(
            d.path(),
            "rules/odd.yml",
            &format!("groups:\n  - name: x\n    rules:\n      - {body}\n        expr: up == 0\n"),
        );
        let text = check(d.path(), &[]);
        assert!(
            text.contains("rules/odd.yml:4:1: error[alert-rules]")
                && text.contains("not an alert name"),
            "case {i}: {text}"
        );
    }
    // Flow style: the finding has its line.
    let d = fixture("oncall");
    write(
        d.path(),
        "rules/flow.yml",
        "groups:\n  - name: x\n    rules:\n      - {alert: NoSuchRunbook, expr: up == 0}\n",
    );
    let text = check(d.path(), &[]);
    assert!(text.contains("rules/flow.yml:4:1:"), "{text}");
    // Not a rule file at all.
    let d = fixture("oncall");
    write(d.path(), "notes.txt", "root:x:0:0:root:/root:/bin/bash\n");
    let text = check(d.path(), &["--alert-rules", "notes.txt"]);
    assert!(
        text.contains("notes.txt: error[alert-rules]: not a Prometheus rule file"),
        "{text}"
    );
    // A link loop under `**`: every alert once.
    let d = fixture("oncall");
    let once = check(d.path(), &["--alert-rules", "rules/**/*.yml"]);
    std::os::unix::fs::symlink(d.path().join("rules"), d.path().join("rules/loop")).unwrap();
    let looped = check(d.path(), &["--alert-rules", "rules/**/*.yml"]);
    let coverage = |t: &str| {
        t.lines()
            .find(|l| l.contains("alerts have a runbook"))
            .map(str::to_string)
    };
    assert!(coverage(&once).is_some(), "{once}");
    assert_eq!(coverage(&once), coverage(&looped), "{once}\n---\n{looped}");
}
