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
