#include "postgrestemptables.h"

#include "postgressession.h"

#include <QCryptographicHash>
#include <QMutexLocker>
#include <libpq-fe.h>
#include <memory>
#include <vector>

namespace tf::sync::pg {

QString PgTempTables::ensure(PgSession &session, const QString &prefix, const QString &shape,
                             const std::function<QString(const QString &)> &create,
                             const QString &what)
{
    const QString name = prefix + QLatin1Char('_')
        + QString::fromLatin1(QCryptographicHash::hash(shape.toUtf8(), QCryptographicHash::Sha256)
                                  .toHex()
                                  .left(16));
    const QByteArray key = QByteArray::number(quintptr(session.handle())) + ':'
        + QByteArray::number(PQbackendPID(session.handle())) + ':' + name.toUtf8();
    {
        QMutexLocker lock(&m_mutex);
        if (m_created.contains(key))
            return name;
    }
    session.exec(create(name).toUtf8(), what);
    QMutexLocker lock(&m_mutex);
    m_created.insert(key);
    return name;
}

QList<qint64> queryIntegers(PgSession &session, const QByteArray &sql, const QString &what,
                            const QList<QByteArray> &params)
{
    std::vector<const char *> values;
    values.reserve(size_t(params.size()));
    for (const QByteArray &param : params)
        values.push_back(param.isNull() ? nullptr : param.constData());
    const std::unique_ptr<PGresult, decltype(&PQclear)> result(
        PQexecParams(session.handle(), sql.constData(), int(values.size()), nullptr, values.data(),
                     nullptr, nullptr, 0),
        &PQclear);
    if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        session.raise(result.get(), what);
    QList<qint64> numbers;
    if (PQntuples(result.get()) < 1)
        return numbers;
    for (int c = 0; c < PQnfields(result.get()); ++c)
        numbers << QByteArray(PQgetvalue(result.get(), 0, c)).toLongLong();
    return numbers;
}

} // namespace tf::sync::pg
