import { opts, packs, type RootCategory } from './types.ts';

const beans = [
  opts('weight', ['250g', '500g', '1kg'], [1, 1.8, 3.3]),
  opts('grind', ['Whole Bean', 'Filter Grind', 'Phin Grind']),
];
const sachets = [packs(['Pack of 10', 'Pack of 30'], [1, 2.7])];
const drinkPacks = [packs(['Single', '6-Pack', 'Carton of 24'], [1, 5.5, 20])];
const noodlePacks = [packs(['Single', '5-Pack', 'Carton of 30'], [1, 4.6, 25])];
const snackSizes = [opts('size', ['60g', '160g', '300g'], [1, 2.1, 3.6])];
const jarSizes = [opts('size', ['190g', '340g'], [1, 1.6]), packs(['Single', 'Twin Pack'], [1, 1.9])];

export const groceries: RootCategory = {
  slug: 'groceries',
  name: 'Groceries',
  code: 'GROC',
  children: [
    {
      slug: 'coffee-tea',
      name: 'Coffee & Tea',
      code: 'COF',
      count: 48,
      price: [290, 6990],
      lines: [
        {
          brands: ['Kopi Senja', 'Kopi Nusantara'],
          items: ['Aceh Gayo Arabica', 'Toraja Kalosi Arabica', 'Java Robusta', 'Kopi Susu Gula Aren Blend'],
          price: [1290, 2490],
          attrs: { origin: 'Indonesia' },
          variants: beans,
        },
        { brands: ['Kapal Api'], items: ['Kopi Special Mix', 'Kopi Susu'], price: [290, 690], attrs: { origin: 'Indonesia' }, variants: sachets },
        { brands: ['Trung Nguyen'], items: ['G7 3-in-1 Instant Coffee', 'Legend Ground Coffee'], price: [490, 1890], attrs: { origin: 'Vietnam' }, variants: sachets },
        { brands: ['Highlands Coffee'], items: ['Traditional Phin Coffee', 'Robusta Dak Lak'], price: [990, 1990], attrs: { origin: 'Vietnam' }, variants: beans },
        { brands: ['OldTown White Coffee'], items: ['3-in-1 White Coffee', 'Hazelnut White Coffee'], price: [590, 1290], attrs: { origin: 'Malaysia' }, variants: sachets },
        {
          brands: ['BOH', 'ChaTraMue', 'Teh Tarik Co.'],
          items: ['Cameronian Gold Blend Tea', 'Thai Tea Mix', 'Jasmine Green Tea'],
          price: [390, 1490],
          variants: [packs(['25 Tea Bags', '100 Tea Bags'], [1, 3.2])],
        },
      ],
      variants: sachets,
      descriptions: [
        '{name}: the taste of a kopitiam morning, ready in minutes.',
        'The {brand} {item}, roasted and packed at origin for a bold, fragrant cup.',
        'Brew {brand} {item} hot or over ice, with or without condensed milk.',
      ],
      extras: ['Best with a Vietnamese phin filter.', 'Store in a cool, dry place after opening.'],
    },
    {
      slug: 'snacks',
      name: 'Snacks',
      code: 'SNK',
      count: 48,
      price: [150, 1500],
      lines: [
        { brands: ['Durian King'], items: ['Musang King Durian Chips', 'Durian Wafer Rolls', 'Freeze-Dried Durian', 'Durian Mochi'], price: [390, 1290], attrs: { origin: 'Malaysia' } },
        { brands: ['Chitato'], items: ['Beef BBQ Potato Chips', 'Sapi Panggang Chips', 'Seaweed Potato Chips'], price: [150, 490] },
        { brands: ['Tao Kae Noi'], items: ['Crispy Seaweed Original', 'Crispy Seaweed Hot & Spicy'], price: [190, 590], attrs: { origin: 'Thailand' } },
        { brands: ['Dapur Krupuk'], items: ['Prawn Crackers', 'Cassava Chips Balado', 'Tempeh Chips'], price: [190, 590], attrs: { origin: 'Indonesia' } },
        { brands: ['Oishi'], items: ['Prawn Crackers Spicy', 'Pillows Chocolate', 'Ribbed Cracklings'], price: [150, 390], attrs: { origin: 'Philippines' } },
        { brands: ['Kluay Thai'], items: ['Honey Banana Chips', 'Dried Mango Slices'], price: [250, 690], attrs: { origin: 'Thailand' } },
        { brands: ['Khong Guan'], items: ['Assorted Biscuits', 'Marie Biscuits', 'Cream Crackers'], price: [250, 890] },
      ],
      variants: snackSizes,
      descriptions: [
        '{name}, the crunchy snack everyone fights over at the office pantry.',
        'The {brand} {item}: a Southeast Asian favourite, perfect with kopi or teh.',
        'Share a pack of {brand} {item} on a road trip or at movie night.',
      ],
      extras: ['Contains gluten; may contain traces of nuts.', 'Halal certified.'],
    },
    {
      slug: 'instant-noodles',
      name: 'Instant Noodles',
      code: 'NDL',
      count: 40,
      price: [60, 4990],
      lines: [
        { brands: ['Indomie'], items: ['Mi Goreng Original', 'Mi Goreng Rendang', 'Soto Mie', 'Mi Goreng Hot & Spicy'], price: [60, 90] },
        { brands: ['Mie Nusantara'], items: ['Mi Goreng Cabe Ijo', 'Mi Kuah Soto Betawi'], price: [70, 110] },
        { brands: ['Mama'], items: ['Tom Yum Shrimp', 'Pork Flavour Noodles'], price: [50, 80] },
        { brands: ['Acecook'], items: ['Hao Hao Sour Shrimp', 'Pho Bo Instant Rice Noodles'], price: [50, 120] },
        { brands: ['Lucky Me!'], items: ['Pancit Canton Original', 'Pancit Canton Chilimansi'], price: [60, 90] },
        { brands: ['Prima Taste'], items: ['Singapore Laksa La Mian', 'Curry La Mian'], price: [220, 290] },
        { brands: ['MyKuali'], items: ['Penang White Curry', 'Penang Hokkien Prawn'], price: [190, 260] },
      ],
      variants: noodlePacks,
      descriptions: [
        '{name}: ready in three minutes, the late-night supper of champions.',
        'The {brand} {item} with its signature seasoning and crispy shallots.',
        'Stock up on {brand} {item}, a pantry staple from Jakarta to Manila.',
      ],
      extras: ['Add an egg and some greens for a proper meal.', 'Halal certified.'],
    },
    {
      slug: 'sauces-condiments',
      name: 'Sauces & Condiments',
      code: 'SAU',
      count: 44,
      price: [150, 2990],
      lines: [
        { brands: ['Nyonya Rasa'], items: ['Sambal Belacan', 'Sambal Matah', 'Sambal Ijo', 'Sambal Terasi'], price: [390, 890] },
        { brands: ['ABC'], items: ['Kecap Manis Sweet Soy Sauce', 'Sambal Asli'], price: [190, 490], attrs: { origin: 'Indonesia' } },
        { brands: ['Megachef'], items: ['Premium Fish Sauce', 'Oyster Sauce'], price: [290, 790], attrs: { origin: 'Thailand' } },
        { brands: ['Cholimex'], items: ['Chilli Garlic Sauce'], price: [190, 390], attrs: { origin: 'Vietnam' } },
        { brands: ['Lee Kum Kee'], items: ['Premium Oyster Sauce', 'Chiu Chow Chilli Oil'], price: [290, 790] },
        { brands: ["Mama Sita's"], items: ['Adobo Mix', 'Kare-Kare Mix'], price: [150, 390], attrs: { origin: 'Philippines' } },
        { brands: ['Prima Taste'], items: ['Laksa Paste', 'Chicken Rice Paste'], price: [390, 790], attrs: { origin: 'Singapore' } },
        { brands: ['Adabi'], items: ['Rendang Paste', 'Meat Curry Powder'], price: [250, 590], attrs: { origin: 'Malaysia', halal: true } },
      ],
      variants: jarSizes,
      descriptions: [
        '{name}: authentic flavour in a jar, no pounding required.',
        'The {brand} {item}, made from a family recipe with no MSG added.',
        'A spoon of {brand} {item} turns plain rice into a feast.',
      ],
      extras: ['Refrigerate after opening.', 'Spicy level: hot.'],
    },
    {
      slug: 'beverages',
      name: 'Beverages',
      code: 'BEV',
      count: 40,
      price: [90, 4990],
      lines: [
        { brands: ['Malto'], items: ['Chocolate Malt Drink', 'Chocolate Malt Less Sugar'], price: [120, 190] },
        { brands: ['Milo'], items: ['UHT Chocolate Malt', 'Activ-Go Ready-to-Drink'], price: [120, 180] },
        { brands: ['Teh Botol Sosro'], items: ['Jasmine Tea', 'Less Sugar Jasmine Tea'], price: [110, 160], attrs: { origin: 'Indonesia' } },
        { brands: ["Yeo's"], items: ['Chrysanthemum Tea', 'Soy Bean Drink', 'Winter Melon Tea'], price: [90, 150], attrs: { origin: 'Singapore' } },
        { brands: ['F&N'], items: ['Sarsi', 'Orange', 'Ice Cream Soda'], price: [90, 140] },
        { brands: ['Pokka'], items: ['Jasmine Green Tea', 'Oolong Tea'], price: [120, 180] },
        { brands: ['Nyiur'], items: ['Young Coconut Water', 'Coconut Water with Pulp'], price: [190, 290] },
        { brands: ['Vinamilk'], items: ['Fresh Milk Less Sugar'], price: [150, 220], attrs: { origin: 'Vietnam' } },
      ],
      variants: drinkPacks,
      descriptions: [
        '{name}, best served ice-cold on a hot afternoon.',
        'The {brand} {item}: the drink you grew up with, now delivered to your door.',
        'A refreshing {brand} {item} for lunch boxes, picnics and hawker meals.',
      ],
      extras: ['Serve chilled.', 'Shake well before drinking.'],
    },
  ],
};
