/**
 * The data viewer's messages: a page of a pandas DataFrame or Series or a numpy array, and a
 * heatmap of a 2-D numeric one, read in a stopped frame by `src-main/remote/python/data_view.py`
 * (its module text is the reference for every field). Types only.
 */

/** What a value is, as the viewer shows it. */
export type DataKind = 'dataframe' | 'series' | 'ndarray';

/** Where the value is: an expression evaluated in a stopped frame of a session. */
export interface DataTarget {
  sessionId: string;
  /** The DAP `frameId` of a frame of a stopped thread. */
  frameId: number;
  /** A Python expression (a variable's `evaluateName`, a watch expression). */
  expression: string;
  /**
   * For an array of more than two dimensions, the indexes of the leading axes; the last two
   * are the table. Missing ones are 0.
   */
  lead?: number[];
}

/** `data.page`'s parameters: the window of rows and columns wanted. */
export interface DataPageParams extends DataTarget {
  /** First row (0-based position, not index label) and how many (at most 500). */
  row: number;
  rows: number;
  /** First column (0-based position) and how many (at most 200). */
  col: number;
  cols: number;
  /** Each cell's text is cut to this many characters (default 200, at most 2000). */
  maxChars?: number;
}

/** A column of a page. */
export interface DataColumn {
  /** Its label as text (a MultiIndex label's parts joined with ` / `; a position for arrays). */
  label: string;
  /** Its dtype (`int64`, `object`, `datetime64[ns]`…). */
  dtype: string;
}

/** Shape and identity, common to both answers. */
export interface DataShape {
  kind: DataKind;
  /** The value's class (`pandas.core.frame.DataFrame`, `numpy.ndarray`). */
  type: string;
  /** The value's own shape (an array's every axis; a Series': its length). */
  shape: number[];
  /** The leading indexes used (empty unless the array has more than two dimensions). */
  lead: number[];
  /** Rows and columns of the table shown. */
  rows: number;
  cols: number;
}

/** `data.page`'s result: one window of the table. */
export interface DataPage extends DataShape {
  /** The window's first row and column (clamped into the table). */
  row: number;
  col: number;
  columns: DataColumn[];
  /** The index labels of the window's rows (positions for arrays). */
  index: string[];
  indexName: string | null;
  /** `cells[r][c]`: the text of row `row + r`, column `col + c`. */
  cells: string[][];
  /** Whether `data.heatmap` can draw it (every column numeric, two or more dimensions). */
  heatmap: boolean;
}

/** `data.heatmap`'s parameters. */
export interface DataHeatmapParams extends DataTarget {
  /** The image's largest side in cells (at most 512); bigger tables are averaged in blocks. */
  maxSide: number;
}

/** `data.heatmap`'s result: the table reduced to `height` × `width` blocks. */
export interface DataHeatmap extends DataShape {
  height: number;
  width: number;
  /** Table rows and columns per block. */
  stepRows: number;
  stepCols: number;
  /** The smallest and largest block mean (finite values only). */
  min: number;
  max: number;
  /**
   * Base64 of `height * width` bytes, row by row: 0..254 scale a block's mean from `min` to
   * `max`; 255 is a block with no finite value.
   */
  data: string;
}
