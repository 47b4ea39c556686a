//! The frame of every portal page: head, header with search and menus, main, sidebar, footer.

use chrono_tz::Tz;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The frame of every portal page.
pub struct Layout<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub site_name: &'a str,
    /// The search box's current text.
    pub query: &'a str,
    /// Alternate feed for this page (href, title).
    pub feed: Option<(String, String)>,
    pub canonical: Option<String>,
    /// The reader's time zone, named in the footer.
    pub tz: Tz,
    /// OpenGraph and Twitter-card tags, for pages that are shared as links (articles).
    pub og: Option<OpenGraph<'a>>,
}

/// What a messenger or social network shows for a shared link: OpenGraph (Telegram,
/// WhatsApp, Facebook, VK) and the Twitter card that reads the same values.
pub struct OpenGraph<'a> {
    /// This page's absolute address.
    pub url: String,
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// An absolute https address; none when the article has no image.
    pub image: Option<&'a str>,
    pub image_width: Option<u32>,
    pub image_height: Option<u32>,
    pub image_alt: Option<&'a str>,
    /// RFC 3339; only when the page states its publication time (never first-seen).
    pub published_time: Option<String>,
    pub modified_time: Option<String>,
}

impl OpenGraph<'_> {
    fn render(&self, site_name: &str) -> Markup {
        html! {
            meta property="og:type" content="article"; "\n"
            meta property="og:site_name" content=(site_name); "\n"
            meta property="og:locale" content="ru_RU"; "\n"
            meta property="og:url" content=(self.url); "\n"
            meta property="og:title" content=(self.title); "\n"
            @if let Some(d) = self.description {
                meta property="og:description" content=(d); "\n"
            }
            @if let Some(i) = self.image {
                meta property="og:image" content=(i); "\n"
                @if let (Some(w), Some(h)) = (self.image_width, self.image_height) {
                    meta property="og:image:width" content=(w); "\n"
                    meta property="og:image:height" content=(h); "\n"
                }
                @if let Some(alt) = self.image_alt {
                    meta property="og:image:alt" content=(alt); "\n"
                }
            }
            @if let Some(p) = &self.published_time {
                meta property="article:published_time" content=(p); "\n"
            }
            @if let Some(m) = &self.modified_time {
                meta property="article:modified_time" content=(m); "\n"
            }
            // A large card when there is a picture to show, the small one otherwise.
            meta name="twitter:card" content=(if self.image.is_some() { "summary_large_image" } else { "summary" }); "\n"
            meta name="twitter:title" content=(self.title); "\n"
            @if let Some(d) = self.description {
                meta name="twitter:description" content=(d); "\n"
            }
            @if let Some(i) = self.image {
                meta name="twitter:image" content=(i); "\n"
            }
        }
    }
}

/// The rubric menu of every page: news rubrics with their Russian names ("not news" has no
/// page in the menu; `/rubric/not_news` still answers).
fn rubric_menu() -> Markup {
    html! {
        nav class="rubrics" aria-label="Рубрики" {
            @for r in khronika_model::Rubric::ALL.into_iter().filter(|r| r.is_news()) {
                a href={ "/rubric/" (r.code()) } { (r.label_ru()) } " "
            }
        }
    }
}

impl Layout<'_> {
    /// The whole page around `main`; `aside` is the sidebar's HTML (our own, rendered by
    /// these templates and kept in the page cache as a string), left out when `None`.
    pub fn render(&self, main: Markup, aside: Option<&str>) -> String {
        html! {
            (DOCTYPE) "\n"
            html lang="ru" {
                "\n"
                head {
                    "\n" meta charset="utf-8"; "\n"
                    meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                    title {
                        (self.title)
                        @if self.title != self.site_name { " — " (self.site_name) }
                    } "\n"
                    @if let Some(d) = self.description {
                        meta name="description" content=(d); "\n"
                    }
                    @if let Some(c) = &self.canonical {
                        link rel="canonical" href=(c); "\n"
                    }
                    @if let Some(og) = &self.og {
                        (og.render(self.site_name))
                    }
                    @if let Some((href, title)) = &self.feed {
                        link rel="alternate" type="application/rss+xml" href=(href) title=(title); "\n"
                    }
                    link rel="stylesheet" href="/static/site.css"; "\n"
                    link rel="icon" href="data:,"; "\n"
                } "\n"
                body {
                    "\n" a class="skip" href="#main" { "Перейти к содержанию" } "\n"
                    header class="top" { div class="wrap" {
                        a class="logo" href="/" { (self.site_name) }
                        form class="search" role="search" action="/search" method="get" {
                            label for="q" class="vh" { "Поиск по новостям" }
                            input id="q" name="q" type="search" placeholder="Поиск по новостям" value=(self.query);
                            button type="submit" { "Найти" }
                        }
                        nav aria-label="Разделы" {
                            a href="/" { "Главная" } " "
                            a href="/stories" { "Сюжеты" } " "
                            a href="/tags" { "Теги" } " "
                            a href="/sources" { "Источники" } " "
                            a href="/entities" { "Персоны и организации" }
                        }
                        (rubric_menu())
                    } } "\n"
                    div class="wrap page" {
                        "\n" main id="main" { "\n" (main) "\n" } "\n"
                        @if let Some(aside) = aside {
                            aside aria-label="Последние и популярные новости" {
                                // Our own markup: the sidebar template's output, cached.
                                "\n" (PreEscaped(aside)) "\n"
                            } "\n"
                        }
                    } "\n"
                    footer class="bottom" { div class="wrap" {
                        p {
                            (self.site_name)
                            " — новости из открытых источников. Тексты принадлежат их издателям; полные тексты показаны только с разрешения источника. "
                            a href="/feed.rss" { "RSS" } " · "
                            a href="/feed.atom" { "Atom" } " · "
                            a href="/api/v1/openapi.json" { "API" }
                        }
                        p {
                            "Время указано для часового пояса " (self.tz.name())
                            " (" a href="/timezone" { "сменить" } ")."
                        }
                    } } "\n"
                } "\n"
            } "\n"
        }
        .into_string()
    }
}
