// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTableView>

namespace Heron::Gui {

// The message list's view: a table of whole-row selection without grid or row header, rows of one
// fixed height, Home and End going to the first and last message. A table rather than a tree view
// because a tree lays out an item per row on every reset (a million rows took 150 ms to show);
// a table's rows cost nothing until painted.
class MessageListView : public QTableView {
    Q_OBJECT
public:
    explicit MessageListView(QWidget *parent = nullptr);

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
};

}  // namespace Heron::Gui
