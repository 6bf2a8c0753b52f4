//! The shared SQL's connection on PostgreSQL: `?N` parameters become `$N`, statements are
//! prepared once per connection and cached, and values are converted to the types PostgreSQL
//! inferred for each parameter and column.

use std::collections::HashMap;

use postgres::types::{ToSql, Type};
use postgres::{Statement, Transaction};

use crate::store::StoreError;
use crate::store::sql::{Conn, Dialect, Row, Value};

/// Statements kept per connection before the cache starts over (dynamic SQL is rare).
const CACHED_STATEMENTS: usize = 256;

/// A transaction of a pooled connection, with that connection's statements.
pub(super) struct PgConn<'a, 'b> {
    pub(super) tx: &'a mut Transaction<'b>,
    pub(super) statements: &'a mut HashMap<String, Statement>,
}

/// `?1` → `$1` (the shared SQL has no `?` anywhere else).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(ch);
        }
    }
    out
}

/// Mismatch between a value and the type PostgreSQL expects.
fn mismatch(index: usize, value: &Value, ty: &Type) -> StoreError {
    StoreError::Corrupt(format!(
        "parameter {} is {value:?}, PostgreSQL expects {ty}",
        index + 1
    ))
}

/// The value as the Rust type that encodes to `ty`.
fn typed(index: usize, value: &Value, ty: &Type) -> Result<Box<dyn ToSql + Sync>, StoreError> {
    Ok(match (value, ty) {
        (Value::Null, &Type::INT2) => Box::new(None::<i16>),
        (Value::Null, &Type::INT4) => Box::new(None::<i32>),
        (Value::Null, &Type::INT8) => Box::new(None::<i64>),
        (Value::Null, &Type::FLOAT4) => Box::new(None::<f32>),
        (Value::Null, &Type::FLOAT8) => Box::new(None::<f64>),
        (Value::Null, &Type::BOOL) => Box::new(None::<bool>),
        (Value::Null, _) => Box::new(None::<String>),
        (Value::Int(v), &Type::INT2) => {
            Box::new(i16::try_from(*v).map_err(|_| mismatch(index, value, ty))?)
        }
        (Value::Int(v), &Type::INT4) => {
            Box::new(i32::try_from(*v).map_err(|_| mismatch(index, value, ty))?)
        }
        (Value::Int(v), &Type::INT8) => Box::new(*v),
        (Value::Int(v), &Type::FLOAT8) => Box::new(*v as f64),
        (Value::Int(v), &Type::BOOL) => Box::new(*v != 0),
        (Value::Int(v), &Type::TEXT | &Type::VARCHAR) => Box::new(v.to_string()),
        (Value::Real(v), &Type::FLOAT8) => Box::new(*v),
        (Value::Real(v), &Type::FLOAT4) => Box::new(*v as f32),
        (Value::Text(v), &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME) => {
            Box::new(v.clone())
        }
        _ => return Err(mismatch(index, value, ty)),
    })
}

/// Column `index` of a row, by its type.
fn column(row: &postgres::Row, index: usize) -> Result<Value, StoreError> {
    let ty = row.columns()[index].type_().clone();
    let value = match ty {
        Type::INT2 => row
            .try_get::<_, Option<i16>>(index)?
            .map(|v| Value::Int(v.into())),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(index)?
            .map(|v| Value::Int(v.into())),
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map(Value::Int),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(index)?
            .map(|v| Value::Real(v.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(index)?.map(Value::Real),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(index)?
            .map(|v| Value::Int(v.into())),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
            row.try_get::<_, Option<String>>(index)?.map(Value::Text)
        }
        Type::VOID => None,
        other => {
            return Err(StoreError::Corrupt(format!(
                "column {index} has type {other}, which the store does not read"
            )));
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

impl PgConn<'_, '_> {
    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(&numbered(sql))?;
        if self.statements.len() >= CACHED_STATEMENTS {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn bind(
        statement: &Statement,
        params: &[Value],
    ) -> Result<Vec<Box<dyn ToSql + Sync>>, StoreError> {
        statement
            .params()
            .iter()
            .enumerate()
            .map(|(i, ty)| typed(i, params.get(i).unwrap_or(&Value::Null), ty))
            .collect()
    }
}

impl Conn for PgConn<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let statement = self.statement(sql)?;
        let values = Self::bind(&statement, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(AsRef::as_ref).collect();
        Ok(self.tx.execute(&statement, &refs)?)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        let values = Self::bind(&statement, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(AsRef::as_ref).collect();
        self.tx
            .query(&statement, &refs)?
            .iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| column(row, i))
                    .collect::<Result<_, _>>()
                    .map(Row)
            })
            .collect()
    }

    fn notify(&mut self) -> Result<(), StoreError> {
        self.tx
            .batch_execute(&format!("NOTIFY {}", super::CHANNEL))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn parameters_are_numbered_the_postgresql_way() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ?1 AND (?12 IS NULL OR c = ?12)"),
            "SELECT a FROM t WHERE b = $1 AND ($12 IS NULL OR c = $12)"
        );
    }
}
