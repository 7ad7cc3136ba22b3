// The [sync] keys of the worker pool that issue 19 added: the circuit breaker's failure
// threshold and cool-down (defaults, values, bad values named), and that a breaker made after
// the settings are applied uses them.
#include "core/config.h"
#include "core/errors.h"
#include "sync/engine/circuitbreaker.h"
#include "syncd/workers/workersettings.h"

#include <QTest>

using namespace tf;
using namespace std::chrono_literals;

namespace {

Config configWith(const QList<QPair<QString, QString>> &values)
{
    Config config;
    for (const auto &[key, value] : values)
        config.set(key, value, Config::Origin::File, QStringLiteral("terrafusion.ini"));
    return config;
}

} // namespace

class TestWorkerSettings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void circuitDefaults()
    {
        const syncd::WorkerSettings settings = syncd::WorkerSettings::fromConfig(Config());
        QCOMPARE(settings.circuit.failureThreshold, 5);
        QCOMPARE(settings.circuit.coolDown, 30000ms);
    }

    void circuitKeys()
    {
        const syncd::WorkerSettings settings = syncd::WorkerSettings::fromConfig(
            configWith({ { QStringLiteral("sync/circuit_cooldown_ms"), QStringLiteral("2500") },
                         { QStringLiteral("sync/circuit_failure_threshold"), QStringLiteral("2") } }));
        QCOMPARE(settings.circuit.coolDown, 2500ms);
        QCOMPARE(settings.circuit.failureThreshold, 2);

        // Applied as tf-syncd does: a breaker opens after two failures and admits a trial
        // call after 2.5 s, not 30.
        auto &registry = sync::CircuitBreakerRegistry::instance();
        registry.clear();
        registry.setDefaultSettings(settings.circuit);
        std::chrono::milliseconds now { 0 };
        const auto breaker = registry.breaker(QStringLiteral("system-1"));
        breaker->setClock([&now] { return now; });
        breaker->recordFailure();
        QCOMPARE(breaker->state(), sync::CircuitBreaker::State::Closed);
        breaker->recordFailure();
        QCOMPARE(breaker->state(), sync::CircuitBreaker::State::Open);
        now = 2499ms;
        QVERIFY(!breaker->allowRequest());
        now = 2500ms;
        QVERIFY(breaker->allowRequest());
        registry.clear();
        registry.setDefaultSettings({});
    }

    void badValuesNameTheKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("cool-down too short") << "sync/circuit_cooldown_ms" << "5";
        QTest::newRow("cool-down not a number") << "sync/circuit_cooldown_ms" << "soon";
        QTest::newRow("threshold zero") << "sync/circuit_failure_threshold" << "0";
    }
    void badValuesNameTheKey()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        try {
            syncd::WorkerSettings::fromConfig(configWith({ { key, value } }));
            QFAIL("accepted");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QVERIFY2(error.message().contains(key), qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestWorkerSettings)
#include "tst_workersettings.moc"
