// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagelistview.h"

#include <QHeaderView>

namespace Heron::Gui {

MessageListView::MessageListView(QWidget *parent) : QTableView(parent)
{
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setShowGrid(false);
    setWordWrap(false);
    setAlternatingRowColors(false);
    setSortingEnabled(true);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    horizontalHeader()->setSortIndicatorShown(true);
}

QModelIndex MessageListView::moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers)
{
    // A list, not a spreadsheet: Home and End go to the first and last message, not along the row.
    const int column = currentIndex().isValid() ? currentIndex().column() : 0;
    if (model() && (cursorAction == MoveHome || cursorAction == MoveEnd) && model()->rowCount(rootIndex()) > 0) {
        const int row = cursorAction == MoveHome ? 0 : model()->rowCount(rootIndex()) - 1;
        return model()->index(row, column, rootIndex());
    }
    return QTableView::moveCursor(cursorAction, modifiers);
}

}  // namespace Heron::Gui
