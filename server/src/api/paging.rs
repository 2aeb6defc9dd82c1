//! Lists that grow with the fleet, a page at a time: `?page=&per_page=` in;
//! the page out as a JSON array, with `X-Total-Count` and a `Link` header
//! (RFC 8288) to the previous and next pages.

use super::problem::Problem;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The largest (and default) page.
const MAX_PER_PAGE: u64 = 100;
/// The highest page number.
const MAX_PAGE: u64 = 1_000_000;

/// `?page=&per_page=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Page, from 0.
    #[param(minimum = 0, maximum = 1_000_000)]
    page: Option<u64>,
    /// Items per page (default and most: 100).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u64>,
}

impl Paging {
    /// (page, per page), or why they are refused.
    pub fn checked(&self) -> Result<(u64, u64), Problem> {
        let per_page = self.per_page.unwrap_or(MAX_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(Problem::invalid(format!(
                "per_page is 1 to {MAX_PER_PAGE}, not {per_page}"
            )));
        }
        let page = self.page.unwrap_or(0);
        if page > MAX_PAGE {
            return Err(Problem::invalid(format!("page is at most {MAX_PAGE}")));
        }
        Ok((page, per_page))
    }
}

/// One page of a list.
pub struct Paged<T> {
    items: Vec<T>,
    total: u64,
    page: u64,
    per_page: u64,
    path: &'static str,
}

impl<T> Paged<T> {
    /// Page `page` of `per_page` items of the list at `path`, of `total` in all.
    pub fn new(
        items: Vec<T>,
        total: u64,
        (page, per_page): (u64, u64),
        path: &'static str,
    ) -> Self {
        Self {
            items,
            total,
            page,
            per_page,
            path,
        }
    }

    fn link(&self) -> String {
        let at = |page: u64, rel: &str| {
            format!(
                "<{}?page={page}&per_page={}>; rel=\"{rel}\"",
                self.path, self.per_page
            )
        };
        let mut links = Vec::new();
        if self.page > 0 {
            links.push(at(self.page - 1, "prev"));
        }
        if (self.page + 1).saturating_mul(self.per_page) < self.total {
            links.push(at(self.page + 1, "next"));
        }
        links.join(", ")
    }
}

impl<T: Serialize> IntoResponse for Paged<T> {
    fn into_response(self) -> Response {
        let link = self.link();
        let mut response = axum::Json(&self.items).into_response();
        let headers = response.headers_mut();
        headers.insert(HeaderName::from_static("x-total-count"), self.total.into());
        if let Ok(link) = HeaderValue::from_str(&link)
            && !link.is_empty()
        {
            headers.insert(header::LINK, link);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(page: u64, per_page: u64, total: u64) -> String {
        Paged::<()>::new(Vec::new(), total, (page, per_page), "/api/v1/sites").link()
    }

    #[test]
    fn pages_link_to_their_neighbours_only_where_there_are_some() {
        assert_eq!(links(0, 100, 100), "");
        assert_eq!(
            links(0, 100, 101),
            r#"</api/v1/sites?page=1&per_page=100>; rel="next""#
        );
        assert_eq!(
            links(1, 2, 5),
            r#"</api/v1/sites?page=0&per_page=2>; rel="prev", </api/v1/sites?page=2&per_page=2>; rel="next""#
        );
    }

    #[test]
    fn paging_defaults_to_the_largest_page_and_refuses_others() {
        let paging = |page, per_page| Paging { page, per_page };
        assert_eq!(paging(None, None).checked().unwrap(), (0, 100));
        assert!(paging(None, Some(0)).checked().is_err());
        assert!(paging(None, Some(101)).checked().is_err());
        assert!(paging(Some(MAX_PAGE + 1), None).checked().is_err());
    }
}
