//! Directories (`/tags`, `/sources`, `/entities`) and the time zone choice (`/timezone`).

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use maud::html;

use super::{error_page, html_response, page, server_error};
use crate::html::enc;
use crate::{query_pairs, reader_tz, AppState};

pub async fn tags(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let tz = reader_tz(&app, &HashMap::new(), &headers);
    let a = app.clone();
    page(&app, format!("tags|{tz}"), &headers, move || async move {
        let tags = a
            .store
            .tags(500)
            .await
            .map_err(|e| server_error(&a, &e.to_string()))?;
        let main = html! {
            h1 { "Теги" }
            p class="chips" {
                @if tags.is_empty() { "Тегов пока нет." }
                @for t in &tags {
                    a href={ "/tag/" (enc(&t.name)) } { (t.name) " (" (t.articles) ")" } " "
                }
            }
        };
        Ok((
            StatusCode::OK,
            super::layout(&a, "Теги", tz).render(main, None),
        ))
    })
    .await
}

pub async fn sources(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let tz = reader_tz(&app, &HashMap::new(), &headers);
    let a = app.clone();
    page(
        &app,
        format!("sources|{tz}"),
        &headers,
        move || async move {
            let list: Vec<_> = a.sources().into_iter().filter(|s| !s.hidden).collect();
            let main = html! {
                h1 { "Источники" }
                ul class="news" {
                    @if list.is_empty() { li { "Источников пока нет." } }
                    @for s in &list {
                        li {
                            a href={ "/source/" (s.id.0) } { (s.name) }
                            " " span class="src" { (s.home_url) }
                        }
                    }
                }
            };
            Ok((
                StatusCode::OK,
                super::layout(&a, "Источники", tz).render(main, None),
            ))
        },
    )
    .await
}

pub async fn entities(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let tz = reader_tz(&app, &HashMap::new(), &headers);
    let a = app.clone();
    page(
        &app,
        format!("entities|{tz}"),
        &headers,
        move || async move {
            let list = a
                .store
                .top_entities(None, 200)
                .await
                .map_err(|e| server_error(&a, &e.to_string()))?;
            let main = html! {
                h1 { "Персоны, организации, места" }
                p class="meta" { "По числу статей, в скобках" }
                @for (kind, title) in [
                    (khronika_model::EntityKind::Person, "Персоны"),
                    (khronika_model::EntityKind::Organisation, "Организации"),
                    (khronika_model::EntityKind::Location, "Места"),
                ] {
                    @let of_kind: Vec<_> = list.iter().filter(|e| e.kind == kind).collect();
                    h2 { (title) }
                    p class="chips" {
                        @if of_kind.is_empty() { "Пока никого." }
                        @for e in of_kind {
                            a href=(crate::html::entity_href(e.id.0, &e.name)) {
                                (e.name) " (" (e.articles) ")"
                            } " "
                        }
                    }
                }
            };
            Ok((
                StatusCode::OK,
                super::layout(&a, "Персоны и организации", tz).render(main, None),
            ))
        },
    )
    .await
}

const ZONES: [(&str, &str); 12] = [
    ("Asia/Almaty", "Алматы, Астана"),
    ("Asia/Tashkent", "Ташкент"),
    ("Asia/Bishkek", "Бишкек"),
    ("Asia/Dushanbe", "Душанбе"),
    ("Asia/Ashgabat", "Ашхабад"),
    ("Asia/Baku", "Баку"),
    ("Europe/Moscow", "Москва"),
    ("Europe/Minsk", "Минск"),
    ("Europe/Kyiv", "Киев"),
    ("Asia/Yekaterinburg", "Екатеринбург"),
    ("Asia/Novosibirsk", "Новосибирск"),
    ("UTC", "UTC"),
];

/// Choosing the reader's time zone without JavaScript: a link sets a cookie.
pub async fn timezone(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query_pairs(raw.as_deref());
    if let Some(set) = q.get("set") {
        if let Ok(tz) = set.parse::<Tz>() {
            let mut r = StatusCode::SEE_OTHER.into_response();
            let h = r.headers_mut();
            h.insert(header::LOCATION, HeaderValue::from_static("/"));
            if let Ok(v) = HeaderValue::from_str(&format!(
                "tz={}; Path=/; Max-Age=31536000; SameSite=Lax",
                enc(tz.name())
            )) {
                h.insert(header::SET_COOKIE, v);
            }
            return r;
        }
        return error_page(
            &app,
            StatusCode::BAD_REQUEST,
            "Неизвестный часовой пояс",
            "Выберите пояс из списка.",
        );
    }
    let tz = reader_tz(&app, &q, &headers);
    let main = html! {
        h1 { "Часовой пояс" }
        p { "Сейчас: " (tz.name()) }
        ul class="news" {
            @for (name, label) in ZONES {
                li { a href={ "/timezone?set=" (enc(name)) } { (label) } }
            }
        }
    };
    html_response(
        StatusCode::OK,
        super::layout(&app, "Часовой пояс", tz).render(main, None),
    )
}
