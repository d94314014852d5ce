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
