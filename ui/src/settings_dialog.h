// Tools → Settings… (Ctrl+,): backend, model folder, device and dtype, generation (pixel budget,
// max new tokens, temperature), the server (URL, key, model, token-limit field), the language,
// and the keyboard map. The caller stores and applies settings() after accept(); the keyboard
// map is applied by the dialog itself (applyShortcuts) when OK is pressed.
#pragma once

#include <QDialog>
#include <QHash>

#include "settings/app_settings.h"
#include "tags/taxonomy.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QKeySequenceEdit;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;
class QTabWidget;

namespace vistag::ui {

class ShortcutMap;
class TaxonomyPage;

class SettingsDialog final : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(const settings::AppSettings& current, ShortcutMap* shortcuts,
                   QWidget* parent = nullptr);

    settings::AppSettings settings() const;
    QTabWidget* tabs() const { return tabs_; }
    // The editor of an action's key (column 0: the shortcut, 1: the alternative).
    QKeySequenceEdit* shortcutEdit(const QString& id, int column) const;
    // Sets the table back to the default keys (applied with OK).
    void resetShortcuts();
    // Applies the table to the keyboard map; false (and a message shown) when two actions share a
    // key.
    bool applyShortcuts();

    void accept() override;

    // Settings → Taxonomy (taxonomy in use, and its file: "" = built in); the window reads
    // taxonomyPage()->chosen() after OK.
    TaxonomyPage* addTaxonomyPage(const catalog::Taxonomy& current, const QString& path);
    TaxonomyPage* taxonomyPage() const { return taxonomyPage_; }

private:
    QWidget* buildModelTab(const settings::AppSettings& s);
    QWidget* buildGenerationTab(const settings::AppSettings& s);
    QWidget* buildServerTab(const settings::AppSettings& s);
    QWidget* buildInterfaceTab(const settings::AppSettings& s);
    QWidget* buildCatalogueTab(const settings::AppSettings& s);
    QWidget* buildShortcutsTab();
    QHash<QString, QList<QKeySequence>> proposedKeys() const;
    void updateConflicts();

    settings::AppSettings base_;  // fields this dialog does not show are kept
    ShortcutMap* shortcuts_;
    QTabWidget* tabs_ = nullptr;
    QComboBox* backend_ = nullptr;
    QLineEdit* modelFolder_ = nullptr;
    QLineEdit* catalogLocation_ = nullptr;
    QDoubleSpinBox* repetitionPenalty_ = nullptr;
    QDoubleSpinBox* presencePenalty_ = nullptr;
    QLineEdit* imageRoot_ = nullptr;
    QLineEdit* reviewerName_ = nullptr;
    QComboBox* device_ = nullptr;
    QComboBox* dtype_ = nullptr;
    QSpinBox* maxPixels_ = nullptr;
    QLabel* pixelsHint_ = nullptr;
    QSpinBox* maxNewTokens_ = nullptr;
    QSpinBox* requestsInFlight_ = nullptr;
    QDoubleSpinBox* temperature_ = nullptr;
    QCheckBox* constrainedTagging_ = nullptr;
    QLineEdit* serverUrl_ = nullptr;
    QLineEdit* apiKey_ = nullptr;
    QLineEdit* serverModel_ = nullptr;
    QComboBox* tokenLimitField_ = nullptr;
    QComboBox* structuredOutput_ = nullptr;
    QSpinBox* schemaMaxEnumValues_ = nullptr;
    QSpinBox* schemaMaxChars_ = nullptr;
    QComboBox* language_ = nullptr;
    QTableWidget* keys_ = nullptr;
    QLabel* conflicts_ = nullptr;
    TaxonomyPage* taxonomyPage_ = nullptr;
};

}  // namespace vistag::ui
