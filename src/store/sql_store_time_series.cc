// Time series (savings per cluster, spot price history) and hosted model blobs.
#include "store/sql_store.h"

namespace cloudoptim::store {

Status SqlStore::AddSavings(const std::string& tenant_id, const SavingsPoint& point) {
  CO_RETURN_IF_ERROR(RequireCluster(tenant_id, point.cluster_id));
  return StatusOf(
      db_->Exec("INSERT INTO savings (tenant_id, cluster_id, at_ms, realized_micros, "
                "projected_monthly_micros) VALUES ($1, $2, $3, $4, $5) "
                "ON CONFLICT (cluster_id, at_ms) DO UPDATE SET "
                "realized_micros = excluded.realized_micros, "
                "projected_monthly_micros = excluded.projected_monthly_micros",
                {tenant_id, point.cluster_id, ToMillis(point.at), point.realized.micros(),
                 point.projected_monthly.micros()}));
}

Result<std::vector<SavingsPoint>> SqlStore::QuerySavings(const std::string& tenant_id,
                                                         const std::string& cluster_id,
                                                         TimePoint from, TimePoint to) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("SELECT cluster_id, at_ms, realized_micros, projected_monthly_micros "
                 "FROM savings WHERE tenant_id = $1 AND ($2 = '' OR cluster_id = $2) "
                 "AND at_ms >= $3 AND at_ms < $4 ORDER BY at_ms, cluster_id",
                 {tenant_id, cluster_id, ToMillis(from), ToMillis(to)}));
  std::vector<SavingsPoint> out;
  for (const SqlRow& row : rows) {
    out.push_back(SavingsPoint{row.Text(0), FromMillis(row.Int(1)), Money::FromMicros(row.Int(2)),
                               Money::FromMicros(row.Int(3))});
  }
  return out;
}

Status SqlStore::InsertSpotPrices(const std::vector<SpotPricePoint>& points) {
  for (const SpotPricePoint& p : points) {
    CO_RETURN_IF_ERROR(RequireNonEmpty("spot price instance type", p.instance_type));
    CO_RETURN_IF_ERROR(RequireNonEmpty("spot price availability zone", p.availability_zone));
    if (p.usd_per_hour.micros() < 0) {
      return InvalidArgument("spot price for " + p.instance_type + " is negative");
    }
  }
  return db_->InTransaction([&]() -> Status {
    for (const SpotPricePoint& p : points) {
      CO_RETURN_IF_ERROR(
          db_->Exec("INSERT INTO spot_price_history (instance_type, availability_zone, at_ms, "
                    "price_micros, interpolated, confidence) VALUES ($1, $2, $3, $4, $5, $6) "
                    "ON CONFLICT (instance_type, availability_zone, at_ms) DO UPDATE SET "
                    "price_micros = excluded.price_micros, interpolated = excluded.interpolated, "
                    "confidence = excluded.confidence",
                    {p.instance_type, p.availability_zone, ToMillis(p.at), p.usd_per_hour.micros(),
                     int64_t{p.interpolated ? 1 : 0}, p.confidence}));
    }
    return Ok();
  });
}

Result<std::vector<SpotPricePoint>> SqlStore::QuerySpotPrices(const std::string& instance_type,
                                                              const std::string& availability_zone,
                                                              TimePoint from, TimePoint to) {
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("SELECT at_ms, price_micros, interpolated, confidence FROM spot_price_history "
                 "WHERE instance_type = $1 AND availability_zone = $2 AND at_ms >= $3 "
                 "AND at_ms < $4 ORDER BY at_ms",
                 {instance_type, availability_zone, ToMillis(from), ToMillis(to)}));
  std::vector<SpotPricePoint> out;
  for (const SqlRow& row : rows) {
    out.push_back(SpotPricePoint{instance_type, availability_zone, FromMillis(row.Int(0)),
                                 Money::FromMicros(row.Int(1)), row.Int(2) != 0, row.Double(3)});
  }
  return out;
}

Status SqlStore::PutModel(const ModelBlob& model) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("model name", model.name));
  CO_RETURN_IF_ERROR(RequireNonEmpty("model version", model.version));
  auto inserted = db_->Exec(
      "INSERT INTO models (name, version, blob, metadata_json, created_ms) "
      "VALUES ($1, $2, $3, $4, $5)",
      {model.name, model.version, SqlBlob{model.bytes}, model.metadata_json, NowMillis()});
  if (!inserted && IsAlreadyExists(inserted.error())) {
    return AlreadyExists("model " + model.name + " version " + model.version + " already exists");
  }
  return StatusOf(inserted);
}

Result<ModelBlob> SqlStore::GetModel(const std::string& name, const std::string& version) {
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT blob, metadata_json, created_ms FROM models "
                                               "WHERE name = $1 AND version = $2",
                                               {name, version}));
  if (rows.empty()) return NotFound("model " + name + " version " + version + " not found");
  return ModelBlob{name, version, rows[0].Blob(0), rows[0].Text(1), FromMillis(rows[0].Int(2))};
}

}  // namespace cloudoptim::store
