//! Type-erased views that hydrate one way only.
//!
//! `IntoAny::into_any` keeps a pointer to every way the erased view can be
//! rendered, so each erased type brings both its synchronous and its
//! asynchronous hydration into the WASM. The app only ever hydrates them
//! synchronously (the router hydrates a matched route, lazy or not, once
//! its code is there), and the asynchronous copies were a large share of
//! every page's code. [`Erase::erase`] wraps the view so that its
//! asynchronous hydration is the synchronous one.

use leptos::prelude::*;
use leptos::tachys::{
    html::attribute::{Attribute, any_attribute::AnyAttribute},
    hydration::Cursor,
    ssr::StreamBuilder,
    view::{Position, PositionState, Render, RenderHtml, add_attr::AddAnyAttr},
};

/// A view whose asynchronous hydration is its synchronous one.
#[derive(Debug)]
pub struct SyncHydrated<V>(V);

/// `into_any` without the asynchronous hydration (see the module docs).
pub trait Erase {
    /// Erases the view's type.
    fn erase(self) -> AnyView;
}

impl<V: RenderHtml + 'static> Erase for V {
    fn erase(self) -> AnyView {
        SyncHydrated(self).into_any()
    }
}

impl<V: Render> Render for SyncHydrated<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state);
    }
}

impl<V: AddAnyAttr> AddAnyAttr for SyncHydrated<V> {
    type Output<SomeNewAttr: Attribute> = SyncHydrated<V::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        SyncHydrated(self.0.add_any_attr(attr))
    }
}

impl<V: RenderHtml> RenderHtml for SyncHydrated<V> {
    type AsyncOutput = V::AsyncOutput;
    type Owned = SyncHydrated<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve();
    }

    async fn resolve(self) -> Self::AsyncOutput {
        self.0.resolve().await
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs);
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        );
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    // `hydrate_async` keeps the trait's default: the synchronous hydration.

    fn into_owned(self) -> Self::Owned {
        SyncHydrated(self.0.into_owned())
    }
}
