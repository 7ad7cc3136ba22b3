#pragma once

#include "sync/row.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace tf::sync {

class DefinitionErrors;

// One compiled step of a field's transform chain. Works on the current value in place; may
// read other source columns through precomputed indexes. Returns false with *error set
// ("'abc' is not an integer") when the value cannot be transformed.
using TransformStep = std::function<bool(QVariant &value, const Row &source, QString *error)>;

// The arguments of one function call while it is compiled. Every accessor checks the
// argument's JSON type and records a problem under "<path>.args[i]" when it is wrong, so a
// function's compile code reads like its signature.
class FunctionArgs final
{
public:
    FunctionArgs(const QString &function, const QJsonArray &args, const QString &path,
                 const Schema *sourceSchema, DefinitionErrors *errors);

    int count() const { return int(m_args.size()); }
    QJsonValue raw(int index) const { return m_args.at(index); }
    QString text(int index, bool allowEmpty = false);
    int integer(int index, int min, int max);
    QJsonObject object(int index);
    // A source column named by the argument; its index, or -1 (also when no schema is known,
    // as in structural checks).
    int column(int index);
    void fail(int index, const QString &message);
    bool failed() const { return m_failed; }
    const QStringList &columnsRead() const { return m_columnsRead; }

private:
    QString argPath(int index) const;

    QString m_function;
    QJsonArray m_args;
    QString m_path;
    const Schema *m_sourceSchema;
    DefinitionErrors *m_errors;
    QStringList m_columnsRead;
    bool m_failed = false;
};

// The mapping functions by name ("trim", "round", ...).
class FunctionRegistry final
{
public:
    struct Spec
    {
        int minArgs = 0;
        int maxArgs = 0;        // -1: any number
        bool readsFields = false; // concat, coalesce, constant: "source" may be omitted
        std::function<TransformStep(FunctionArgs &)> compile;
    };

    static const FunctionRegistry &instance();

    const Spec *find(const QString &name) const;
    void add(const QString &name, Spec spec);

    // Compiles one step, written "upper" or {"fn": "round", "args": [2]}. Records problems
    // under `path` and returns an empty function when the step is invalid. Source columns
    // the step reads are appended to *columnsRead.
    TransformStep compile(const QJsonValue &step, const QString &path, const Schema *sourceSchema,
                          DefinitionErrors *errors, QStringList *columnsRead, bool *readsFields) const;

    // The representation a function's result is known to have, given its input's; nullopt
    // when it depends on the data. Lets a plan skip the final conversion when a chain
    // already yields the target type (round on a Decimal column, uuid_from into a Uuid).
    static std::optional<ValueType> outputType(const QString &name, std::optional<ValueType> input);

private:
    QHash<QString, Spec> m_specs;
};

// Defined in textfunctions.cpp and valuefunctions.cpp.
void registerTextFunctions(FunctionRegistry &registry);
void registerValueFunctions(FunctionRegistry &registry);
void registerGeoFunctions(FunctionRegistry &registry);

} // namespace tf::sync
