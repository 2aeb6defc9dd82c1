//! Customers.

use super::FormError;
use super::entity::customer;
use crate::models::customer::{Customer, CustomerForm, CustomerPage};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

impl From<customer::Model> for Customer {
    fn from(m: customer::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            contact: m.contact,
            notes: m.notes,
        }
    }
}

/// All customers by name.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<Customer>, DbErr> {
    Ok(customer::Entity::find()
        .order_by_asc(customer::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(Customer::from)
        .collect())
}

/// Page `page` (from 0) of the customers by name, and how many there are.
pub async fn page(
    db: &DatabaseConnection,
    page: u64,
    per_page: u64,
) -> Result<CustomerPage, DbErr> {
    let pages = customer::Entity::find()
        .order_by_asc(customer::Column::Name)
        .order_by_asc(customer::Column::Id)
        .paginate(db, per_page);
    Ok(CustomerPage {
        total: pages.num_items().await?,
        customers: pages
            .fetch_page(page)
            .await?
            .into_iter()
            .map(Customer::from)
            .collect(),
    })
}

/// The customer by key.
pub async fn get(db: &DatabaseConnection, id: i32) -> Result<Option<Customer>, DbErr> {
    Ok(customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Customer::from))
}

/// Whether another customer (not `except`) already has this name.
pub async fn name_taken(
    db: &DatabaseConnection,
    name: &str,
    except: Option<i32>,
) -> Result<bool, DbErr> {
    let mut query = customer::Entity::find().filter(customer::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(customer::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// Creates (`id` none) or edits a customer from a validated form, refusing a
/// name another customer has. `None` when editing a customer that does not exist.
pub async fn save(
    db: &DatabaseConnection,
    id: Option<i32>,
    form: &CustomerForm,
) -> Result<Option<Customer>, FormError> {
    if name_taken(db, &form.name, id).await? {
        return Err(FormError::Invalid(format!(
            "a customer named {} already exists",
            form.name
        )));
    }
    Ok(match id {
        Some(id) => update(db, id, form).await?,
        None => Some(create(db, form).await?),
    })
}

/// Creates a customer from a validated form.
pub async fn create(db: &DatabaseConnection, form: &CustomerForm) -> Result<Customer, DbErr> {
    Ok(customer::ActiveModel {
        name: Set(form.name.clone()),
        contact: Set(form.contact.clone()),
        notes: Set(form.notes.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?
    .into())
}

/// Saves a validated form over customer `id`; `None` if there is no such customer.
pub async fn update(
    db: &DatabaseConnection,
    id: i32,
    form: &CustomerForm,
) -> Result<Option<Customer>, DbErr> {
    let Some(model) = customer::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let mut active: customer::ActiveModel = model.into();
    active.name = Set(form.name.clone());
    active.contact = Set(form.contact.clone());
    active.notes = Set(form.notes.clone());
    Ok(Some(active.update(db).await?.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::database;

    #[tokio::test]
    async fn customers_are_created_listed_by_name_and_edited() {
        let db = database().await;
        let form = |name: &str| CustomerForm {
            name: name.into(),
            contact: "ops@example.com".into(),
            notes: String::new(),
        };
        let zed = create(&db, &form("Zed Foods")).await.unwrap();
        create(&db, &form("Acme Cold Storage")).await.unwrap();
        let names: Vec<String> = list(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["Acme Cold Storage", "Zed Foods"]);
        assert!(name_taken(&db, "Zed Foods", None).await.unwrap());
        assert!(!name_taken(&db, "Zed Foods", Some(zed.id)).await.unwrap());
        let edited = update(&db, zed.id, &form("Zed Frozen Foods"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(edited.name, "Zed Frozen Foods");
        assert!(update(&db, 999, &form("x")).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn customers_page_by_name_and_a_taken_name_is_refused() {
        let db = database().await;
        let form = |name: &str| CustomerForm {
            name: name.into(),
            ..Default::default()
        };
        for name in ["Delta", "Alpha", "Charlie", "Bravo", "Echo"] {
            save(&db, None, &form(name)).await.unwrap();
        }
        let second = page(&db, 1, 2).await.unwrap();
        let names: Vec<&str> = second.customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!((names, second.total), (vec!["Charlie", "Delta"], 5));
        assert!(page(&db, 9, 2).await.unwrap().customers.is_empty());
        assert!(matches!(
            save(&db, None, &form("Echo")).await,
            Err(FormError::Invalid(m)) if m.contains("already exists")
        ));
    }
}
