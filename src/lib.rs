//! handbook: a fast static site generator for a Go team's engineering handbook.
//!
//! This file is the map. The build is a sequence of named stages, data
//! flowing one way (see [`pipeline`] and ARCHITECTURE.md):
//!
//! | stage | module |
//! |---|---|
//! | 1. read the configuration once, decide the dialect | [`project`] ([`config`], [`mdbook`], [`mkdocs`], [`imported`]) |
//! | 2. read sources: walk, preprocess, front matter | [`site::sources`] ([`content`], [`include`], [`mkdocs::markdown`], [`summary`]) |
//! | 3. render Markdown: events, links, headings, code | [`markdown`] ([`highlight`], [`paths`]) |
//! | 4. assemble the model: pages, sections, order | [`site`] |
//! | 5. validate: links, rules, runbooks, tracks, Go syntax | [`site`] ([`gocheck`]) |
//! | 6. render pages and site-wide files | [`pipeline::render`] ([`render`], [`nav`]) |
//! | 7. search index | [`search`] |
//! | 8. atomic write | [`output`] |
//!
//! Commands reuse the stages: [`check`] runs 1-5 and adds slower checks
//! ([`external`] links, gofmt/vet); [`serve`] runs 1-6 through its caches;
//! [`report`] prints findings; [`scaffold`] writes new pages. `build` keeps
//! what a rebuild can reuse in [`store`] files (highlighting, rendered
//! Markdown, search term counts, which output each page produced).

pub mod alloc;
pub mod changes;
pub mod check;
pub mod config;
pub mod content;
pub mod date;
pub mod diag;
pub mod external;
pub mod gitbook;
pub mod gocheck;
pub mod gotest;
pub mod highlight;
pub mod history;
pub mod html;
pub mod imported;
pub mod include;
pub mod lines;
pub mod markdown;
pub mod mdbook;
pub mod mkdocs;
pub mod nav;
pub mod oncall;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod project;
pub mod render;
pub mod report;
pub mod reviews;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod store;
pub mod summary;
mod yaml;

pub use pipeline::{BuildOptions, BuildReport, PageCache, build, render_site};
