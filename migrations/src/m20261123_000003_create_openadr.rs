//! The OpenADR side: sites (one VEN each), DR programs, events and their
//! per-site delivery and opt state, VTN-initiated messages queued for a VEN,
//! opt schedules, and the message log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn fk(
    table: impl IntoIden,
    column: impl IntoIden,
    to: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Programs::Table)
                .col(id(Programs::Id))
                .col(
                    ColumnDef::new(Programs::Name)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(Programs::MarketContext)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(Programs::NearWindowSecs)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Programs::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Sites::Table)
                .col(id(Sites::Id))
                .col(ColumnDef::new(Sites::Name).string().not_null())
                .col(
                    ColumnDef::new(Sites::VenName)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(Sites::VenId)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(Sites::Fingerprint)
                        .string()
                        .null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Sites::RegistrationId).string().null())
                .col(ColumnDef::new(Sites::ProfileName).string().null())
                .col(ColumnDef::new(Sites::TransportName).string().null())
                .col(ColumnDef::new(Sites::TransportAddress).string().null())
                .col(ColumnDef::new(Sites::HttpPullModel).boolean().null())
                .col(ColumnDef::new(Sites::ReportOnly).boolean().null())
                .col(ColumnDef::new(Sites::XmlSignature).boolean().null())
                .col(
                    ColumnDef::new(Sites::RegisteredAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(Sites::LastContact)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(Sites::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProgramSites::Table)
                .col(ColumnDef::new(ProgramSites::ProgramId).integer().not_null())
                .col(ColumnDef::new(ProgramSites::SiteId).integer().not_null())
                .primary_key(
                    Index::create()
                        .col(ProgramSites::ProgramId)
                        .col(ProgramSites::SiteId),
                )
                .foreign_key(&mut fk(
                    ProgramSites::Table,
                    ProgramSites::ProgramId,
                    Programs::Table,
                    Programs::Id,
                ))
                .foreign_key(&mut fk(
                    ProgramSites::Table,
                    ProgramSites::SiteId,
                    Sites::Table,
                    Sites::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Events::Table)
                .col(id(Events::Id))
                .col(
                    ColumnDef::new(Events::EventId)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Events::ProgramId).integer().not_null())
                .col(
                    ColumnDef::new(Events::ModificationNumber)
                        .integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Events::ModificationReason).string().null())
                .col(
                    ColumnDef::new(Events::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Events::ModifiedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Events::Dtstart)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Events::DurationSecs)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Events::NotificationSecs)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Events::RampUpSecs).big_integer().null())
                .col(ColumnDef::new(Events::RecoverySecs).big_integer().null())
                .col(ColumnDef::new(Events::StartAfterSecs).big_integer().null())
                .col(ColumnDef::new(Events::Priority).integer().null())
                .col(ColumnDef::new(Events::TestEvent).boolean().not_null())
                .col(ColumnDef::new(Events::VtnComment).string().null())
                .col(
                    ColumnDef::new(Events::ResponseRequired)
                        .boolean()
                        .not_null(),
                )
                .col(ColumnDef::new(Events::Cancelled).boolean().not_null())
                .col(ColumnDef::new(Events::Signals).text().not_null())
                .col(ColumnDef::new(Events::Targets).text().not_null())
                .foreign_key(&mut fk(
                    Events::Table,
                    Events::ProgramId,
                    Programs::Table,
                    Programs::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EventSites::Table)
                .col(ColumnDef::new(EventSites::EventId).integer().not_null())
                .col(ColumnDef::new(EventSites::SiteId).integer().not_null())
                .col(
                    ColumnDef::new(EventSites::DeliveredModification)
                        .integer()
                        .null(),
                )
                .col(
                    ColumnDef::new(EventSites::DeliveredAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(EventSites::OptType).string().null())
                .col(ColumnDef::new(EventSites::OptModification).integer().null())
                .col(
                    ColumnDef::new(EventSites::OptedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .primary_key(
                    Index::create()
                        .col(EventSites::EventId)
                        .col(EventSites::SiteId),
                )
                .foreign_key(&mut fk(
                    EventSites::Table,
                    EventSites::EventId,
                    Events::Table,
                    Events::Id,
                ))
                .foreign_key(&mut fk(
                    EventSites::Table,
                    EventSites::SiteId,
                    Sites::Table,
                    Sites::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_event_sites_site")
                .table(EventSites::Table)
                .col(EventSites::SiteId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VenMessages::Table)
                .col(id(VenMessages::Id))
                .col(ColumnDef::new(VenMessages::SiteId).integer().not_null())
                .col(ColumnDef::new(VenMessages::Kind).string().not_null())
                .col(
                    ColumnDef::new(VenMessages::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(VenMessages::DeliveredAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(&mut fk(
                    VenMessages::Table,
                    VenMessages::SiteId,
                    Sites::Table,
                    Sites::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Opts::Table)
                .col(id(Opts::Id))
                .col(ColumnDef::new(Opts::SiteId).integer().not_null())
                .col(ColumnDef::new(Opts::OptId).string().not_null())
                .col(ColumnDef::new(Opts::OptType).string().not_null())
                .col(ColumnDef::new(Opts::OptReason).string().not_null())
                .col(ColumnDef::new(Opts::MarketContext).string().null())
                .col(ColumnDef::new(Opts::EventId).string().null())
                .col(ColumnDef::new(Opts::ModificationNumber).integer().null())
                .col(ColumnDef::new(Opts::Availability).text().not_null())
                .col(ColumnDef::new(Opts::ResourceIds).text().not_null())
                .col(
                    ColumnDef::new(Opts::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Opts::CancelledAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(&mut fk(Opts::Table, Opts::SiteId, Sites::Table, Sites::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_opts_site_opt")
                .table(Opts::Table)
                .col(Opts::SiteId)
                .col(Opts::OptId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MessageLog::Table)
                .col(
                    ColumnDef::new(MessageLog::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(MessageLog::SiteId).integer().null())
                .col(
                    ColumnDef::new(MessageLog::At)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(MessageLog::Service).string().not_null())
                .col(ColumnDef::new(MessageLog::MessageType).string().not_null())
                .col(ColumnDef::new(MessageLog::ResponseType).string().not_null())
                .col(ColumnDef::new(MessageLog::RequestId).string().null())
                .col(
                    ColumnDef::new(MessageLog::ResponseCode)
                        .integer()
                        .not_null(),
                )
                .col(ColumnDef::new(MessageLog::Deviations).text().not_null())
                .col(ColumnDef::new(MessageLog::RequestXml).text().not_null())
                .col(ColumnDef::new(MessageLog::ResponseXml).text().not_null())
                .foreign_key(&mut fk(
                    MessageLog::Table,
                    MessageLog::SiteId,
                    Sites::Table,
                    Sites::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_message_log_site_at")
                .table(MessageLog::Table)
                .col(MessageLog::SiteId)
                .col(MessageLog::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MessageLog::Table.into_iden(),
            Opts::Table.into_iden(),
            VenMessages::Table.into_iden(),
            EventSites::Table.into_iden(),
            Events::Table.into_iden(),
            ProgramSites::Table.into_iden(),
            Sites::Table.into_iden(),
            Programs::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Programs {
    Table,
    Id,
    Name,
    MarketContext,
    NearWindowSecs,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
    Name,
    VenName,
    VenId,
    Fingerprint,
    RegistrationId,
    ProfileName,
    TransportName,
    TransportAddress,
    HttpPullModel,
    ReportOnly,
    XmlSignature,
    RegisteredAt,
    LastContact,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProgramSites {
    Table,
    ProgramId,
    SiteId,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    EventId,
    ProgramId,
    ModificationNumber,
    ModificationReason,
    CreatedAt,
    ModifiedAt,
    Dtstart,
    DurationSecs,
    NotificationSecs,
    RampUpSecs,
    RecoverySecs,
    StartAfterSecs,
    Priority,
    TestEvent,
    VtnComment,
    ResponseRequired,
    Cancelled,
    Signals,
    Targets,
}

#[derive(DeriveIden)]
enum EventSites {
    Table,
    EventId,
    SiteId,
    DeliveredModification,
    DeliveredAt,
    OptType,
    OptModification,
    OptedAt,
}

#[derive(DeriveIden)]
enum VenMessages {
    Table,
    Id,
    SiteId,
    Kind,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum Opts {
    Table,
    Id,
    SiteId,
    OptId,
    OptType,
    OptReason,
    MarketContext,
    EventId,
    ModificationNumber,
    Availability,
    ResourceIds,
    CreatedAt,
    CancelledAt,
}

#[derive(DeriveIden)]
enum MessageLog {
    Table,
    Id,
    SiteId,
    At,
    Service,
    MessageType,
    ResponseType,
    RequestId,
    ResponseCode,
    Deviations,
    RequestXml,
    ResponseXml,
}
